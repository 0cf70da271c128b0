/** Test helper run as a child process: opens a store file, says so, and holds it until killed. */
import { openStore } from '../../src/store/index.js';

const store = await openStore(process.argv[2]!);
process.stdout.write('open\n');
setInterval(() => undefined, 1000);
process.on('SIGTERM', () => {
  void store.close().then(() => process.exit(0));
});
