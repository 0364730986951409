// The body of `POST /releases`. The service checks only what the library cannot see (JSON, the fields this API
// has, `force`); the values themselves (release name, AMI id, instance type, capacity, swap steps, pause) are
// checked by BlueGreenDeployment's own validation (see releases.ts), so the rules live in one place.
import type { BlueGreenDeployment, DeployOptions, SwapOptions } from "phoenix-fleet";
import { AbortedError, InvalidInputError } from "phoenix-fleet";
import { BadRequestError } from "./httpStatus";

export interface ReleaseRequest {
  up: Pick<DeployOptions, "release" | "imageId" | "instanceType" | "capacity" | "force">;
  swap: Pick<SwapOptions, "steps" | "pauseMs">;
}

const UP_FIELDS = ["release", "imageId", "instanceType", "capacity", "force"] as const;
const SWAP_FIELDS = ["steps", "pauseMs"] as const;
const FIELDS: readonly string[] = [...UP_FIELDS, ...SWAP_FIELDS];

const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Parse and check the request's shape; every problem at once. */
export function parseReleaseRequest(text: string): ReleaseRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError([`the body must be JSON (${(error as Error).message})`]);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new BadRequestError([
      `the body (${show(body)}) must be a JSON object with the fields ${FIELDS.join(", ")}`,
    ]);
  const fields = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(fields).filter((k) => !FIELDS.includes(k)))
    problems.push(
      `\`${key}\` (${show(fields[key])}) is not a field of a release: allowed are ${FIELDS.join(", ")}`,
    );
  if (fields.force !== undefined && typeof fields.force !== "boolean")
    problems.push(`\`force\` (${show(fields.force)}) must be true or false`);
  if (problems.length > 0) throw new BadRequestError(problems);
  const pick = (names: readonly string[]) =>
    Object.fromEntries(names.filter((n) => fields[n] !== undefined).map((n) => [n, fields[n]]));
  return { up: pick(UP_FIELDS) as ReleaseRequest["up"], swap: pick(SWAP_FIELDS) };
}

/**
 * Check the values with the library's own validation, before anything starts: `up` and `swap` check their
 * options first, before they take the lock or call the engine, and a call whose signal is already aborted
 * stops right after that check (AbortedError). So each is called once with an aborted signal: it either
 * throws InvalidInputError (both calls' problems are reported together) or changes nothing.
 */
export async function checkWithLibrary(
  deployment: BlueGreenDeployment,
  request: ReleaseRequest,
): Promise<void> {
  const signal = AbortSignal.abort();
  const problems: string[] = [];
  for (const call of [
    () => deployment.up({ ...request.up, signal }),
    () => deployment.swap({ ...request.swap, signal }),
  ]) {
    try {
      await call();
      throw new Error("BlueGreenDeployment ran a workflow whose signal was already aborted");
    } catch (error) {
      if (error instanceof InvalidInputError) problems.push(...error.problems);
      else if (!(error instanceof AbortedError)) throw error;
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
}
