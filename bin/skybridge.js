#!/usr/bin/env node
// The `skybridge` command (`npx skybridge`): runs gateway/main.ts in this very process (tsx's loader), so SIGTERM/SIGINT reach the server itself.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../gateway/main.ts', import.meta.url).href);
