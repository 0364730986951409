// A minimal Phoenix launch template and its release identity as pinned literals, shared by the policy tests.
// Pinned, so that a change in how identities are computed fails the tests instead of moving their expectations
// with it; releaseIdentity.test.ts is the one place that recomputes them with Phoenix's code.
export const TEMPLATE = {
  imageId: "ami-0abc",
  instanceType: "t3.small",
  metadataOptions: { httpTokens: "required" },
};
export const IDENTITY = "2kcn7wpbk4";
/** The template's name: its base name, a dash, the identity. Auto scaling groups take the same name. */
export const TEMPLATE_NAME = "shop-web-2kcn7wpbk4";
