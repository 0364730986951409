/** `aws:ec2/launchTemplate:LaunchTemplate` → `aws:ec2:LaunchTemplate`; other tokens unchanged. */
export function shortType(type: string): string {
  const [pkg, mod, name] = type.split(":");
  if (name === undefined) return type;
  return `${pkg}:${mod.split("/")[0]}:${name}`;
}
