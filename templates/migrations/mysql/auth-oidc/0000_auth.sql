CREATE TABLE `users` (
	`id` int AUTO_INCREMENT NOT NULL,
	`issuer` varchar(255) NOT NULL,
	`subject` varchar(255) NOT NULL,
	`username` varchar(255) NOT NULL,
	`is_staff` boolean NOT NULL DEFAULT false,
	`is_active` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_issuer_subject_unique` UNIQUE(`issuer`,`subject`)
);
