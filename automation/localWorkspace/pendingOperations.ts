// The operations a killed update left pending in a stack's state. The engine writes a pending operation before
// each resource operation and removes it when the provider answers (pulumi pkg/engine/journal_snapshot.go,
// v3.274.0); a `pulumi` killed in between leaves it in the checkpoint (`pending_operations`, apitype
// `OperationV2`: `{ resource, type }`, type "creating", "updating", "deleting", "reading", "importing"). A later
// update or destroy drops them ("Attempting to deploy or update resources with N pending operations",
// pkg/resource/deploy/deployment_executor.go 100-125): a resource whose create was under way may then exist in
// the cloud outside every stack, and only its name, read here first, says which.
import type { Deployment } from "@pulumi/pulumi/automation";
import type { InterruptedOperation } from "../seams";

interface PendingOperationV2 {
  type?: string;
  resource?: { urn?: string; type?: string; inputs?: Record<string, unknown> };
}

/** The pending operations of an exported stack (`pulumi stack export`), oldest first. */
export function pendingOperationsOf(exported: Deployment | undefined): InterruptedOperation[] {
  const pending = (exported?.deployment as { pending_operations?: PendingOperationV2[] } | undefined)
    ?.pending_operations;
  return (pending ?? []).map((operation) => {
    const urn = String(operation.resource?.urn ?? "");
    const name = operation.resource?.inputs?.name;
    return {
      operation: String(operation.type ?? "unknown"),
      urn,
      resourceType: String(operation.resource?.type ?? ""),
      name: typeof name === "string" ? name : urn.split("::").pop(),
    };
  });
}
