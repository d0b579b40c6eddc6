// drizzle-kit settings: where the schema lives and where committed migrations go.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './core/db/schema/index.ts',
  out: './core/db/migrations',
});
