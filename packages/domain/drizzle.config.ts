import { defineConfig } from 'drizzle-kit'

// `bun run db:generate` writes the migrations that `openJackpot` applies at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
})
