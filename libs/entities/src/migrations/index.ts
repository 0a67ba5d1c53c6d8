import { InitialSchema1763800000000 } from './1763800000000-initial-schema';

// Every migration that ships, oldest first. TypeORM records applied ones in the migrations table.
export const MIGRATIONS = [InitialSchema1763800000000];
