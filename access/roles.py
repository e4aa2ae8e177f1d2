"""The roles and the actions they allow, read from roles.toml (data, not code)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES_FILE = Path(__file__).with_name("roles.toml")


@dataclass(frozen=True)
class Role:
    id: str
    name: str  # 查看者, 业务管理员 …
    description: str
    may: tuple[str, ...]  # action ids, or "prefix.*"

    def allows(self, action: str) -> bool:
        return any(action == pattern or (pattern.endswith(".*") and
                                         action.startswith(pattern[:-1])) for pattern in self.may)


@dataclass(frozen=True)
class RoleTable:
    roles: dict[str, Role]  # by id, in the file's order
    actions: dict[str, str]  # action id → label (what a role may be given)
    events: dict[str, str]  # recorded events that are not permissions (sign-in …)

    @classmethod
    def load(cls, path: Path = ROLES_FILE) -> RoleTable:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        roles = {role_id: Role(role_id, spec["name"], spec.get("description", ""),
                               tuple(spec.get("may", ()))) for role_id, spec in data["roles"].items()}
        table = cls(roles, dict(data["actions"]), dict(data.get("events", {})))
        unknown = [pattern for role in roles.values() for pattern in role.may
                   if not any(role.allows(action) for action in table.actions)]
        if unknown:
            raise ValueError(f"{path}: roles allow unknown actions {unknown}")
        return table

    def label(self, action: str) -> str:
        return self.actions.get(action) or self.events.get(action) or action

    def allows(self, role_ids: frozenset[str], action: str) -> bool:
        if action not in self.actions:
            raise KeyError(f"unknown action {action!r}: add it to {ROLES_FILE.name}")
        return any(self.roles[role].allows(action) for role in role_ids if role in self.roles)

    def resolve(self, name: str) -> str | None:
        """A role's id from its id or its Chinese name (as settings and groups may give it)."""
        name = name.strip()
        if name in self.roles:
            return name
        return next((role.id for role in self.roles.values() if role.name == name), None)

    def names(self, role_ids: frozenset[str] | set[str]) -> str:
        """The roles' Chinese names, in the file's order (查看者、业务管理员)."""
        return "、".join(role.name for role in self.roles.values() if role.id in role_ids) or "无"
