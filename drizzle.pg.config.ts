// drizzle-kit settings for the PostgreSQL migrations, made from the schema mirror that scripts/gen-pg-schema.ts generates.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './core/db/pg/schema.generated.ts',
  out: './core/db/pg/migrations',
});
