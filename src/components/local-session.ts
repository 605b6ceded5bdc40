// The reader's own log, kept across the site's pages: each page is a separate document, so
// the File (and the year for its syslog stamps) is kept in this browser's IndexedDB and
// every page that can show a local log (overview, explorer) opens it again. The bytes stay
// in the browser; "back to the bundled log" forgets them.

export interface StoredLog {
  file: File;
  year: number;
}

const DB = "fwglow";
const STORE = "local-log";
const KEY = "current";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  use: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const req = use(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result as T);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

/** Remembers the log the reader opened (replacing any other). */
export async function rememberLocalLog(log: StoredLog): Promise<void> {
  await withStore("readwrite", (s) => s.put(log, KEY));
}

/** The log to show instead of the bundled one, if the reader opened one; null if storage fails. */
export async function storedLocalLog(): Promise<StoredLog | null> {
  try {
    const log = await withStore<StoredLog | undefined>("readonly", (s) => s.get(KEY));
    return log?.file instanceof Blob ? log : null;
  } catch {
    return null; // no IndexedDB (private mode, file://): pages show the bundled log
  }
}

export async function forgetLocalLog(): Promise<void> {
  await withStore("readwrite", (s) => s.delete(KEY));
}
