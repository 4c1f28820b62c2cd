-- drizzle-kit never writes CREATE EXTENSION: the nearby search needs cube and earthdistance.
CREATE EXTENSION IF NOT EXISTS cube;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS earthdistance;
