// Small IAM helpers shared by the components. Pure.

/** A trust policy that lets one AWS service (e.g. "ec2.amazonaws.com") assume a role. */
export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
