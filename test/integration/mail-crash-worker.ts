// Child process for the crash-safety test: runs the delivery loop on DATA_DIR against SMTP_URL until it is killed.
// The clock runs CLOCK_OFFSET_MS ahead of the system's, so a restarted worker sees the leases of a killed one expire.
import { databaseFile, openDatabase } from '../../server/db/client.ts';
import { startMail } from '../../server/mail/runtime.ts';
import { TEST_SECRET } from './helpers.ts';

const offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const clock = { now: () => new Date(Date.now() + offset) };
// The parent migrated the database; opening it directly keeps the start short (no auth set-up).
const db = openDatabase(databaseFile(process.env.DATA_DIR!));
const mail = await startMail({
  db,
  clock,
  secret: TEST_SECRET,
  publicUrl: 'https://kairos.example.com',
  smtpUrl: process.env.SMTP_URL!,
  leaseMs: Number(process.env.LEASE_MS),
  pollMs: 50,
  startLoop: true,
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void mail.stop().finally(() => {
    db.$client.close();
    process.exit(0);
  });
});
