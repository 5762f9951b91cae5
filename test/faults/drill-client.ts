/**
 * The drill's clients: an integration submitting cases with Idempotency-Key and retrying until
 * it is acknowledged, and staff taking steps, retrying the same way. Retries follow what a
 * careful client does with an unknown outcome: repeat the same request, and on a 409 read the
 * case to learn whether the first attempt had already taken effect. Every answer the API must
 * never give (a 5xx other than 503, a 503 without Retry-After) is kept for the test to judge.
 */
import type { CaseState } from '../../src/domain/case-model';

/** What a case was asked to go through, and so where it must end up. */
export type DrillGroup = 'untouched' | 'resolved' | 'cancelled' | 'acknowledged';

export interface DrillAnswer {
  status: number;
  retryAfter: string | null;
  /** The API recognised a repeated submission and answered with the case it already had. */
  replayed: boolean;
  body: unknown;
}

/** How long a drill client waits for one answer before it gives up on it and retries. */
const ANSWER_TIMEOUT_MS = 90_000;
/** Pause before retrying after a 503 or a dropped request: sooner than Retry-After, to press harder. */
const RETRY_PAUSE_MS = 500;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DrillClient {
  /** Answers that must never happen: 500s, other 5xx than 503, 503 without Retry-After. */
  readonly forbiddenAnswers: string[] = [];
  /** Answers a client could not explain: 4xx other than the 409 a retry may meet. */
  readonly unexpectedAnswers: string[] = [];
  unavailableAnswers = 0;
  droppedRequests = 0;
  retries = 0;
  /** Submissions whose retry found the case an earlier, unanswered attempt had already started. */
  replayedSubmissions = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: { integration: Record<string, string>; gridWorker: Record<string, string> },
  ) {}

  /** One request; undefined when no answer came (connection dropped or timed out). */
  async request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<DrillAnswer | undefined> {
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
      const text = await response.text();
      const answer: DrillAnswer = {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        replayed: response.headers.get('idempotent-replayed') === 'true',
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      if (answer.status === 503) {
        this.unavailableAnswers++;
        if (!answer.retryAfter) this.forbiddenAnswers.push(`${method} ${path}: 503 without Retry-After`);
      } else if (answer.status >= 500) {
        this.forbiddenAnswers.push(`${method} ${path}: ${answer.status} ${text.slice(0, 300)}`);
      }
      return answer;
    } catch {
      this.droppedRequests++;
      return undefined;
    }
  }

  /** Repeats `send` until `settled` says the outcome is known; a 5xx or no answer means "try again". */
  private async untilSettled<T>(
    what: string,
    send: () => Promise<DrillAnswer | undefined>,
    settled: (answer: DrillAnswer) => Promise<T | undefined> | T | undefined,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) this.retries++;
      const answer = await send();
      if (answer && answer.status < 500) {
        const outcome = await settled(answer);
        if (outcome !== undefined) return outcome;
        this.unexpectedAnswers.push(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
        throw new Error(`${what}: unexpected answer ${answer.status}`);
      }
      if (attempt > 400) throw new Error(`${what}: no answer after ${attempt} attempts`);
      await pause(RETRY_PAUSE_MS);
    }
  }

  /** Submits until acknowledged (201), always with the same Idempotency-Key and body; the case id. */
  async submit(idempotencyKey: string, body: object): Promise<string> {
    const headers = { ...this.credentials.integration, 'idempotency-key': idempotencyKey };
    return this.untilSettled(
      `submit ${idempotencyKey}`,
      () => this.request('POST', '/api/v1/cases', headers, body),
      (answer) => {
        if (answer.status !== 201) return undefined;
        if (answer.replayed) this.replayedSubmissions++;
        return (answer.body as { id: string }).id;
      },
    );
  }

  /** The case as the grid worker's supervisor would read it (any answer below 500 is returned). */
  async read(caseId: string): Promise<CaseState> {
    return this.untilSettled(
      `read ${caseId}`,
      () => this.request('GET', `/api/v1/cases/${caseId}`, this.credentials.integration),
      (answer) => (answer.status === 200 ? (answer.body as CaseState) : undefined),
    );
  }

  /**
   * Takes a step on a case until it is known to have been taken: a 200, or a 409 after which the
   * case shows the step's effect (`taken`), which is how a retry meets its own earlier success.
   */
  async step(caseId: string, as: 'integration' | 'gridWorker', action: object, taken: (state: CaseState) => boolean): Promise<void> {
    await this.untilSettled(
      `${JSON.stringify(action)} on ${caseId}`,
      () => this.request('POST', `/api/v1/cases/${caseId}/actions`, this.credentials[as], action),
      async (answer) => {
        if (answer.status === 200) return true;
        if (answer.status === 409 && taken(await this.read(caseId))) return true;
        return undefined;
      },
    );
  }
}
