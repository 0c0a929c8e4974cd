import { storageConformance } from "./conformance.ts";
import { MemoryStorage } from "./memory.ts";

storageConformance("memory", (opts) => new MemoryStorage(opts));
