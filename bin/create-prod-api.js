#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps compiled code on disk between runs (add-resource loads ts-morph's ~10 MB TypeScript compiler each
// time); Node 20 has no such cache and compiles afresh. Switched on before the CLI is imported, for this thread (the
// formatter's worker switches it on for its own).
module.enableCompileCache?.();
await import('../dist/cli.js');
