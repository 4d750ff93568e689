// Entry of the email preparation worker thread. Node 20 does not apply tsx's loader to worker threads, so this
// registers tsx's require hook and loads the TypeScript through it (see preparer.ts).
require('tsx/cjs/api').register();
require('./prepareWorker.ts');
