"""Who may change what: roles as data (roles.toml), the people and the roles given to them, and
the gate every change passes through (refused or done, always recorded in the audit trail)."""
