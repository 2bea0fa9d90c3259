"""The compose stack's nginx passes on every upload the desk takes: its body limit
(client_max_body_size, DESK_MAX_BODY_SIZE) follows the attachment limits, with room for the
multipart envelope. Read from docker-compose.yml and worked out by the script the nginx image
runs (deploy/nginx/15-desk-max-body-size.envsh), with POSIX sh as the image has it."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from servicedesk import settings as desk_settings

REPO = Path(__file__).resolve().parent.parent.parent
COMPOSE = REPO / "docker-compose.yml"
TEMPLATE = REPO / "deploy" / "nginx" / "desk.conf.template"
SCRIPT = REPO / "deploy" / "nginx" / "15-desk-max-body-size.envsh"
MIB = 1024 * 1024
ENVELOPE = 64 * 1024  # the multipart boundaries and part headers of ten files, and the form's text fields


def compose_environment(service: str, dotenv: dict[str, str]) -> dict[str, str]:
    """A service's environment as docker compose gives it: ${NAME:-default} from .env."""
    environment = yaml.safe_load(COMPOSE.read_text())["services"][service]["environment"]

    def interpolate(value) -> str:
        return re.sub(
            r"\$\{(\w+)(?::-([^}]*))?\}",
            lambda match: dotenv.get(match.group(1)) or match.group(2) or "",
            str(value),
        )

    return {name: interpolate(value) for name, value in environment.items()}


def nginx_limit(environment: dict[str, str]) -> int:
    """client_max_body_size in bytes, once the image's entrypoint has sourced the script."""
    done = subprocess.run(
        ["sh", "-c", '. "$0" && printf %s "$DESK_MAX_BODY_SIZE"', str(SCRIPT)],
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    size = re.fullmatch(r"(\d+)([kKmMgG]?)", done.stdout)
    assert size, done.stdout
    return int(size.group(1)) * {"": 1, "k": 1024, "m": MIB, "g": 1024 * MIB}[size.group(2).lower()]


def largest_upload(*, max_bytes: int, max_files: int) -> int:
    return max_bytes * max_files + ENVELOPE


def test_the_proxy_takes_the_largest_upload_the_desk_takes_by_default():
    proxy = compose_environment("proxy", dotenv={})
    app = compose_environment("web", dotenv={})  # x-app's, merged in by YAML
    # the stack's defaults are the desk's own
    assert int(app["ATTACHMENT_MAX_BYTES"]) == int(proxy["ATTACHMENT_MAX_BYTES"]) == desk_settings.ATTACHMENT_MAX_BYTES
    assert int(app["ATTACHMENT_MAX_FILES"]) == int(proxy["ATTACHMENT_MAX_FILES"]) == desk_settings.ATTACHMENT_MAX_FILES
    limit = nginx_limit(proxy)
    assert limit >= largest_upload(max_bytes=10 * MIB, max_files=10)
    assert limit <= largest_upload(max_bytes=10 * MIB, max_files=10) + 2 * MIB  # and not much more


def test_the_limit_follows_the_attachment_limits_set_in_dotenv():
    dotenv = {"ATTACHMENT_MAX_BYTES": str(50 * MIB), "ATTACHMENT_MAX_FILES": "3"}
    proxy, app = compose_environment("proxy", dotenv), compose_environment("web", dotenv)
    assert (app["ATTACHMENT_MAX_BYTES"], app["ATTACHMENT_MAX_FILES"]) == (str(50 * MIB), "3")
    assert nginx_limit(proxy) >= largest_upload(max_bytes=50 * MIB, max_files=3)
    assert nginx_limit(compose_environment("proxy", {"ATTACHMENT_MAX_FILES": "1"})) >= largest_upload(
        max_bytes=10 * MIB, max_files=1
    )


def test_a_limit_set_in_dotenv_is_taken_as_it_is():
    assert nginx_limit(compose_environment("proxy", {"DESK_MAX_BODY_SIZE": "500m"})) == 500 * MIB


@pytest.mark.parametrize("bad", ["10MB", "-1", "ten"])
def test_a_limit_that_is_not_a_number_stops_the_proxy_with_a_clear_error(bad):
    environment = compose_environment("proxy", {"ATTACHMENT_MAX_BYTES": bad})
    done = subprocess.run(
        ["sh", "-c", '. "$0"', str(SCRIPT)],
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert f"must be whole numbers, not '{bad}'" in done.stderr


def test_the_image_runs_the_script_before_it_renders_the_template_that_uses_it():
    proxy = yaml.safe_load(COMPOSE.read_text())["services"]["proxy"]
    mounted = {volume.split(":")[1]: volume.split(":")[0] for volume in proxy["volumes"]}
    target = f"/docker-entrypoint.d/{SCRIPT.name}"
    assert REPO / mounted[target] == SCRIPT
    # sourced (.envsh, executable) and before 20-envsubst-on-templates.sh, in name order
    assert SCRIPT.stat().st_mode & 0o111 and SCRIPT.suffix == ".envsh"
    assert SCRIPT.name < "20-envsubst-on-templates.sh"
    assert "client_max_body_size ${DESK_MAX_BODY_SIZE};" in TEMPLATE.read_text()
