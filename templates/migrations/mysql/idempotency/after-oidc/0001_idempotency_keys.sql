CREATE TABLE `idempotency_keys` (
	`id` varchar(64) NOT NULL,
	`fingerprint` varchar(64) NOT NULL,
	`owner` varchar(36) NOT NULL,
	`answer` mediumtext,
	`created_at` datetime(3) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	CONSTRAINT `idempotency_keys_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires_at_idx` ON `idempotency_keys` (`expires_at`);