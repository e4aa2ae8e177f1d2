"""Who is acting, what their roles allow, and the one door every change goes through:

    actor = gate.signed_in(claims)                    # from the bank's SSO (OIDC claims)
    actor = gate.single_user(unlocked=True)           # `make run` on a laptop
    actor = gate.command_line()                       # python -m … (the operating-system user)
    result = gate.perform(actor, "sla.import", "话单.csv", lambda: store.import_file(...),
                          summary=lambda result: result.summary())

``perform`` refuses an action the actor's roles do not allow (and records the refusal), runs
it otherwise, and appends what happened to the audit trail: who, when, what, before and after.
"""
from __future__ import annotations

import getpass
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from access.people import People
from access.roles import RoleTable
from audit.trail import AuditTrail
from errors import UserError
from settings import Settings

T = TypeVar("T")
SSO, SINGLE_USER, COMMAND_LINE = "统一认证", "单用户模式", "命令行"
LOCAL_USER = "本机用户"


class NotPermitted(UserError):
    """An action the actor's roles do not allow; it was recorded as refused."""


@dataclass(frozen=True)
class Actor:
    id: str  # e-mail or OIDC subject, the operating-system user, or 本机用户
    name: str
    roles: frozenset[str]
    via: str  # SSO, SINGLE_USER or COMMAND_LINE


class Gate:
    def __init__(self, settings: Settings, trail: AuditTrail, table: RoleTable | None = None):
        self.settings = settings
        self.trail = trail
        self.table = table or RoleTable.load()
        self.people = People(settings.data_dir)
        self.password = settings.admin_password

    @classmethod
    def for_settings(cls, settings: Settings) -> Gate:
        """The gate of a data directory, with its audit trail (as the commands use it)."""
        return cls(settings, AuditTrail(settings.data_dir))

    # who is acting

    def signed_in(self, claims: Mapping[str, Any]) -> Actor:
        """The actor for a person signed in through OIDC: the default role, the roles given in
        the app, the roles their groups map to, and 系统管理员 for the first administrators."""
        person_id = str(claims.get("email") or claims.get("sub") or "").strip()
        name = str(claims.get("name") or claims.get("preferred_username") or person_id)
        roles = set(self.people.roles_of(person_id)) if person_id else set()
        roles |= self._from_groups(claims.get(self.settings.oidc_groups_claim))
        if person_id in _items(self.settings.first_admins):
            roles.add("system")
        if default := self.table.resolve(self.settings.default_role or ""):
            roles.add(default)
        return Actor(person_id, name, frozenset(roles), SSO)

    def single_user(self, unlocked: bool) -> Actor:
        """The one local user: every role when no password is set or it was given, else 查看者."""
        every = frozenset(self.table.roles)
        roles = every if unlocked or not self.password else frozenset({"viewer"})
        return Actor(LOCAL_USER, LOCAL_USER, roles, SINGLE_USER)

    def command_line(self) -> Actor:
        """A command run from the shell: whoever can run it owns the data directory."""
        user = getpass.getuser()
        return Actor(user, user, frozenset(self.table.roles), COMMAND_LINE)

    def unlock(self, given: str) -> bool:
        """Whether the single-user password is right; a wrong one is recorded."""
        right = bool(self.password) and hmac.compare_digest(given.encode(), self.password.encode())
        self.record(self.single_user(False), "unlock" if right else "unlock.failed",
                    outcome="done" if right else "refused")
        return right

    # what they may do

    def allows(self, actor: Actor, action: str) -> bool:
        return self.table.allows(actor.roles, action)

    def require(self, actor: Actor, action: str, target: str = "") -> None:
        """Refuse, recording the attempt, an action the actor's roles do not allow."""
        if not self.allows(actor, action):
            self.record(actor, action, target, "refused", after=f"角色:{self.table.names(actor.roles)}")
            raise NotPermitted(f"你没有「{self.table.label(action)}」的权限(当前角色:"
                               f"{self.table.names(actor.roles)})。这次尝试已记入审计日志。")

    def perform(self, actor: Actor, action: str, target: str, do: Callable[[], T],
                summary: Callable[[T], str] | None = None, before: str = "",
                succeeded: Callable[[T], bool] | None = None) -> T:
        """Run one change if the actor may, and record it; a change that fails (raises, or whose
        result `succeeded` says changed nothing, like a file refused for its bad rows) is
        recorded as failed with its message. Nothing runs when the audit trail cannot be
        written."""
        self.require(actor, action, target)
        self.trail.ensure_writable()
        try:
            result = do()
        except UserError as error:
            self.record(actor, action, target, "failed", before, str(error))
            raise
        outcome = "done" if succeeded is None or succeeded(result) else "failed"
        self.record(actor, action, target, outcome, before, summary(result) if summary else "")
        return result

    def record(self, actor: Actor, action: str, target: str = "", outcome: str = "done",
               before: str = "", after: str = "") -> None:
        self.trail.record(actor.id, actor.name, actor.via, action, self.table.label(action),
                          target, outcome, before, after)

    # roles given in the app

    def give_roles(self, by: Actor, person_id: str, roles: frozenset[str]) -> None:
        unknown = roles - set(self.table.roles)
        if unknown:
            raise NotPermitted(f"未知的角色:{'、'.join(sorted(unknown))}。")
        self.perform(by, "roles.grant", person_id, lambda: self.people.give(person_id, roles, by.id),
                     summary=lambda _: self.table.names(roles),
                     before=self.table.names(self.people.roles_of(person_id)))

    def _from_groups(self, groups: Any) -> set[str]:
        """Roles mapped from an OIDC groups claim (a list, or text with commas)."""
        if not groups:
            return set()
        names = groups if isinstance(groups, list | tuple) else str(groups).split(",")
        mapping = dict(pair.split("=", 1) for pair in _items(self.settings.group_roles, ";")
                       if "=" in pair)
        found = {self.table.resolve(mapping[group.strip()]) for group in map(str, names)
                 if group.strip() in mapping}
        return {role for role in found if role}


def _items(text: str, separator: str = ",") -> list[str]:
    return [item.strip() for item in (text or "").replace("，", ",").split(separator) if item.strip()]
