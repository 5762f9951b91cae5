/**
 * Retries an assertion for a few seconds of real time: activities run beside the workflow, so what
 * they record may land just after the workflow state a test has already seen.
 */
export async function eventually(assertion: () => void, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
