// Runs one client program and prints its report as one JSON line on stdout: exit 0 with the
// report, or exit 1 with {"error", "code"} when it throws or takes longer than `seconds`.
export async function printReport(run, seconds) {
  const watchdog = setTimeout(() => {
    process.stdout.write(JSON.stringify({ error: `timed out after ${seconds} s` }) + "\n");
    process.exit(1);
  }, seconds * 1000);
  try {
    const report = await run();
    clearTimeout(watchdog);
    process.stdout.write(JSON.stringify(report) + "\n");
    process.exit(0);
  } catch (err) {
    clearTimeout(watchdog);
    process.stdout.write(JSON.stringify({ error: String(err?.stack ?? err), code: err?.code ?? null }) + "\n");
    process.exit(1);
  }
}
