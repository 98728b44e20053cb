import { defineConfig } from 'prisma/config';

/**
 * The Prisma CLI's settings. DATABASE_URL is only needed by CLI commands that talk to a server
 * (`prisma migrate deploy` where the schema engine is available); `prisma generate` needs none.
 */
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/arena' },
});
