import { openTestDatabase } from '../core/db/testing.js';
const odb = openTestDatabase();
const q = `SELECT id, run_at FROM jobs WHERE status='pending' AND run_at<=1 AND name IN ('a','b') ORDER BY run_at ASC LIMIT 16`;
console.log(odb.sqlite.prepare('EXPLAIN QUERY PLAN ' + q).all().map((r: any) => r.detail));
