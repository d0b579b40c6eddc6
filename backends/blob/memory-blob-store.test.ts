// Runs the BlobStore contract against the in-memory store.
import { blobStoreContract } from './contract.case.js';
import { MemoryBlobStore } from './memory-blob-store.js';

blobStoreContract('memory', async () => ({ store: new MemoryBlobStore(), leftovers: async () => [], cleanup: async () => {} }));
