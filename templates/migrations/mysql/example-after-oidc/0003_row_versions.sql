ALTER TABLE `products` ADD `version` int DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `version` int DEFAULT 1 NOT NULL;