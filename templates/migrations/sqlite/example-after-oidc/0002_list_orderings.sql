CREATE INDEX `products_price_id_idx` ON `products` (cast("price" as real),`id`);--> statement-breakpoint
CREATE INDEX `products_name_id_idx` ON `products` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `products_stock_id_idx` ON `products` (`stock`,`id`);--> statement-breakpoint
CREATE INDEX `orders_user_quantity_id_idx` ON `orders` (`user_id`,`quantity`,`id`);