// Two things the Node provider API (@pulumi/pulumi/provider/server.js) does not expose, added by wrapping
// the gRPC service implementation it registers (grpc.Server#addService) before `main` runs:
// 1. Configure: server.js ignores the request and answers acceptSecrets/acceptResources/acceptOutputs: true.
//    We read the provider's `region` (args, or the deprecated `variables` "aws:config:region") and answer
//    acceptSecrets: false, so the engine unwraps secrets before calling us and re-marks the outputs whose
//    inputs were secret (pulumi pkg/resource/plugin/provider_plugin.go v3.274.0, Create, lines 1524-1525:
//    `if !protocol.acceptSecrets { outs = annotateSecrets(outs, req.Properties) }`), and sends no resource
//    references or output values.
// 2. Read: server.js passes only the state (outputs) to `provider.read`, not the recorded inputs; Read must
//    return inputs of the same shape, so we keep the request's inputs where the provider's read finds them.
//    server.js calls `provider.read` synchronously after decoding the request, so a module variable suffices.
import * as grpc from "@grpc/grpc-js";
import { setConfiguredRegion } from "./context";
import type { Props } from "./values";

let inputsOfCurrentRead: Props = {};

/** The inputs recorded in state for the resource whose Read is starting (see 2. above). */
export function takeReadInputs(): Props {
  const inputs = inputsOfCurrentRead;
  inputsOfCurrentRead = {};
  return inputs;
}

interface StructLike {
  toJavaScript(): Props;
}

type Handler = (
  call: { request: Record<string, () => unknown> },
  callback: (err: unknown, resp?: unknown) => void,
) => void;

export function installGrpcHooks(): void {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    const impl = implementation as unknown as Record<string, Handler>;
    const configure = impl.configure.bind(impl);
    impl.configure = (call, callback) => {
      const args = (call.request.getArgs?.() as StructLike | undefined)?.toJavaScript() ?? {};
      const variables = call.request.getVariablesMap?.() as
        { get(k: string): string | undefined } | undefined;
      setConfiguredRegion((args.region as string | undefined) ?? variables?.get("aws:config:region"));
      configure(call, (err, resp) => {
        (resp as { setAcceptsecrets?(v: boolean): void } | undefined)?.setAcceptsecrets?.(false);
        callback(err, resp);
      });
    };
    const read = impl.read.bind(impl);
    impl.read = (call, callback) => {
      inputsOfCurrentRead = (call.request.getInputs?.() as StructLike | undefined)?.toJavaScript() ?? {};
      read(call, callback);
    };
    return addService.call(this, service, implementation);
  };
}
