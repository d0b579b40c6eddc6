// Lint rules whose main job is to enforce DESIGN.md's import boundaries between the rooms.
import tseslint from 'typescript-eslint';

const backendDirs = ['blob', 'queue', 'crypto', 'compute', 'volume', 'network', 'fetch'];

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((p) => ({ group: p.group, message: p.message })) }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'core/db/migrations/**', 'scripts/generated/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { 'no-debugger': 'error' },
  },
  {
    files: ['core/**/*.ts'],
    rules: restrict([
      { group: ['hono', 'hono/*', '@hono/*', 'xml2js', '@smithy/*', 'pino', 'bullmq', 'ioredis'], message: 'core/ is protocol- and runtime-neutral (DESIGN.md: the rooms).' },
      { group: ['**/gateway/**', '**/compat/**', '**/workers/**'], message: 'core/ never imports gateway, compat or workers.' },
      { group: ['**/backends/*/**', '!**/backends/*/types.js'], message: 'core/ may import only backend interfaces (backends/*/types.ts).' },
    ]),
  },
  {
    files: ['compat/openstack/**/*.ts'],
    rules: restrict([
      { group: ['**/compat/ec2-s3/**', '../ec2-s3/**', '../../ec2-s3/**'], message: 'compat/openstack and compat/ec2-s3 never import each other.' },
      { group: ['**/core/db/**', 'drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', 'bullmq', 'ioredis'], message: 'compat/ translates only: no SQL or queue calls.' },
      { group: ['**/backends/*/**', '!**/backends/*/types.js'], message: 'compat/ calls core services, not backends.' },
      { group: ['**/gateway/**', '**/workers/**'], message: 'compat/ never imports gateway or workers.' },
    ]),
  },
  {
    files: ['compat/ec2-s3/**/*.ts'],
    rules: restrict([
      { group: ['**/compat/openstack/**', '../openstack/**', '../../openstack/**'], message: 'compat/openstack and compat/ec2-s3 never import each other.' },
      { group: ['**/core/db/**', 'drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', 'bullmq', 'ioredis'], message: 'compat/ translates only: no SQL or queue calls.' },
      { group: ['**/backends/*/**', '!**/backends/*/types.js'], message: 'compat/ calls core services, not backends.' },
      { group: ['**/gateway/**', '**/workers/**'], message: 'compat/ never imports gateway or workers.' },
    ]),
  },
  ...backendDirs.map((dir) => ({
    files: [`backends/${dir}/**/*.ts`],
    rules: restrict([
      { group: ['**/core/db/**', 'drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'], message: 'A backend never touches the database.' },
      {
        group: backendDirs.filter((d) => d !== dir).flatMap((d) => [`**/backends/${d}/**`, `../${d}/**`]),
        message: 'Backends never import each other.',
      },
      { group: ['**/gateway/**', '**/compat/**', '**/workers/**'], message: 'Backends sit below core.' },
    ]),
  })),
  {
    files: ['workers/**/*.ts'],
    rules: restrict([
      { group: ['hono', 'hono/*', '@hono/*', '**/gateway/**', '**/compat/**'], message: 'workers → core → backends only.' },
    ]),
  },
);
