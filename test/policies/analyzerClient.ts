// A client of a started pack's Analyzer gRPC server, with requests encoded as the engine encodes them
// (properties as google.protobuf.Struct). Shared by the protocol test and the publish simulation.
import * as grpc from "@grpc/grpc-js";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
export const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export const LEVEL = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" } as Record<
  number,
  string
>;
export const ADVISORY = 0;
export const MANDATORY = 1;
export const REMEDIATE = 3;

export const STACK_URN_PREFIX = "urn:pulumi:shop-dev-blue::phoenix::";

function options(ignoreChanges: string[] = []) {
  const o = new pb.AnalyzerResourceOptions();
  o.setIgnorechangesList(ignoreChanges);
  o.setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
  return o;
}

export function analyzeRequest(
  type: string,
  name: string,
  props: Record<string, unknown>,
  ignoreChanges?: string[],
) {
  const req = new pb.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(`${STACK_URN_PREFIX}${type}::${name}`);
  req.setProperties(Struct.fromJavaScript(props));
  req.setOptions(options(ignoreChanges));
  return req;
}

export function stackResource(type: string, name: string, props: Record<string, unknown>) {
  const r = new pb.AnalyzerResource();
  r.setType(type);
  r.setName(name);
  r.setUrn(`${STACK_URN_PREFIX}${type}::${name}`);
  r.setProperties(Struct.fromJavaScript(props));
  r.setOptions(options());
  return r;
}

export interface Diagnostic {
  policy: string;
  level: string;
  message: string;
}

export interface AnalyzerClient {
  call<T>(method: string, request: unknown): Promise<T>;
  info(): Promise<any>;
  diagnostics(req: unknown): Promise<Diagnostic[]>;
  /** Configure as the engine does: every listed policy's level and properties (others unset). */
  configure(policies: Record<string, [number, Record<string, unknown>]>): Promise<void>;
  close(): void;
}

export function connectAnalyzer(port: number): AnalyzerClient {
  const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](request, (error: Error | null, response: T) =>
        error ? reject(error) : resolve(response),
      ),
    );
  return {
    call,
    info: () => call("getAnalyzerInfo", new Empty()),
    diagnostics: async (req) => {
      const response: any = await call("analyze", req);
      return response.getDiagnosticsList().map((d: any) => ({
        policy: d.getPolicyname(),
        level: LEVEL[d.getEnforcementlevel()],
        message: d.getMessage(),
      }));
    },
    configure: async (policies) => {
      const request = new pb.ConfigureAnalyzerRequest();
      for (const [name, [level, properties]] of Object.entries(policies)) {
        const config = new pb.PolicyConfig();
        config.setEnforcementlevel(level);
        config.setProperties(Struct.fromJavaScript(properties));
        request.getPolicyconfigMap().set(name, config);
      }
      await call("configure", request);
    },
    close: () => client.close(),
  };
}
