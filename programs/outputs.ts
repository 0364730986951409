import type * as pulumi from "@pulumi/pulumi";

/** Stack outputs as a program returns them: every field of `T` as a Pulumi input. */
export type Outputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };
