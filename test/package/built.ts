// Why the package tests skip in a clone whose TypeScript has not been compiled (they load dist/).
export const NOT_BUILT = "dist/ is not built (npm ci builds it; or run `npm run build`)";
