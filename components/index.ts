// Phoenix's component resources and their pure helpers (re-exports only).
export * from "./immutableFleet";
export * from "./goldenAmi";
export * from "./blueGreenRouter";
export * from "./network";
export * from "./validation";
export * from "./fleetSettings";
export * from "./goldenAmiSettings";
export * from "./routerSettings";
export * from "./networkSettings";
export * from "./fleetUpdateHook";
export * from "./iam";
export * from "./immutability/identity";
export * from "./immutability/updateGuard";
export * from "./peers";
export * from "./route53Router";
export * from "./route53RouterSettings";
