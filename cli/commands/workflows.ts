// Owned by the CLI engineer. Library engineers: report needs instead of editing.
// The `phoenix` workflow commands: bootstrap, up, swap, rollback, destroy, status, history, drift, heal.
export {};
