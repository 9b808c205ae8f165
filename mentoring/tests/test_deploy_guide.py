"""docs/deploy.md, run as written.

Every command in the guide's ``sh`` blocks is one of the constants below, and each is run here, by the exact string,
through bash, after the guide's own line that loads the environment file. A command added to the guide without a
test fails ``test_every_command_in_the_guide_is_run_here``, and so does a command tested here that the guide dropped.

The site they build is real and private: a PostgreSQL role and database named ``deploy_guide_...`` on the server that
``DATABASE_URL`` names (the shared one, 127.0.0.1:5432, under CI), dropped at the end; a redis-server of its own on a
free port; its own VAR_DIR, STATIC_ROOT, pid files and backups in a temporary folder. The shared ``mentoring``
database and the shared Redis are never touched. Without PostgreSQL these tests skip with one line on a laptop and
fail under CI.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import UNDER_CI, require_service
from mentoring.tests.processes import RedisServer, wait_for
from mentoring.tests.processes import free_port as _free_port
from mentoring.tests.test_production_settings import SETTINGS_VARIABLES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUIDE = PROJECT_ROOT / "docs" / "deploy.md"
SITE_HOST = "mentoring.example.org"

# The guide's commands, as it writes them. Each is run by the test named in EXERCISED.
LOAD_ENV = 'set -a && . "${MENTORING_ENV:-/etc/mentoring/mentoring.env}" && set +a'
MAKE_VENV = "python3.11 -m venv .venv"
PIP_INSTALL = ".venv/bin/pip install -r requirements.txt"
MAKE_SECRET_KEY = '.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(64))"'
CREATE_ROLE = 'createuser --pwprompt "$DB_USER"'
CREATE_DATABASE = 'createdb --owner="$DB_USER" "$DB_NAME"'
TUNE_DATABASE = 'psql --dbname="$DB_NAME" --command="ALTER DATABASE \\"$DB_NAME\\" SET random_page_cost = 1.1"'
MIGRATE = ".venv/bin/python manage.py migrate --noinput"
COLLECTSTATIC = ".venv/bin/python manage.py collectstatic --noinput"
CHECK_DEPLOY = ".venv/bin/python manage.py check --deploy --fail-level WARNING"
CREATE_SUPERUSER = ".venv/bin/python manage.py createsuperuser --noinput"
GUNICORN = (
    '.venv/bin/gunicorn mentoring.wsgi --bind "127.0.0.1:${PORT:-8000}" --workers 3 --pid "$RUN_DIR/gunicorn.pid" '
    "--access-logfile -"
)
CURL_HEALTH = (
    f'curl --fail --silent --show-error --header "Host: {SITE_HOST}" "http://127.0.0.1:${{PORT:-8000}}/health/"'
)
WORKER = '.venv/bin/celery -A mentoring worker --loglevel=INFO --concurrency=4 --pidfile="$RUN_DIR/worker.pid"'
BEAT = '.venv/bin/celery -A mentoring beat --loglevel=INFO --pidfile="$RUN_DIR/beat.pid"'
RELOAD_WEB = 'kill -HUP "$(cat "$RUN_DIR/gunicorn.pid")"'
STOP_WEB = 'kill -TERM "$(cat "$RUN_DIR/gunicorn.pid")"'
STOP_WORKER = 'kill -TERM "$(cat "$RUN_DIR/worker.pid")"'
STOP_BEAT = 'kill -TERM "$(cat "$RUN_DIR/beat.pid")"'
DUMP = 'pg_dump --format=custom --dbname="$DATABASE_URL" --file="$BACKUP_DIR/mentoring-$(date +%Y%m%d-%H%M%S).dump"'
LIST_DUMP = 'pg_restore --list "$BACKUP_FILE"'
RESTORE = 'pg_restore --exit-on-error --no-owner --dbname="$DATABASE_URL" "$BACKUP_FILE"'
GIT_PULL = "git pull --ff-only"

# Each command and where it runs (test_each_command_is_run_by_a_test checks that each is passed to a runner).
EXERCISED = {
    LOAD_ENV: "before every command below (Site.sh, Site.start, Site.manage)",
    MAKE_VENV: "test_a_virtual_environment_is_made_as_the_guide_says",
    PIP_INSTALL: "test_installing_the_requirements_again_downloads_nothing, test_an_upgrade_...",
    MAKE_SECRET_KEY: "the site fixture",
    CREATE_ROLE: "the site fixture",
    CREATE_DATABASE: "the site fixture, test_a_dump_restores_...",
    TUNE_DATABASE: "the site fixture",
    MIGRATE: "the site fixture, test_set_up_..., test_an_upgrade_...",
    COLLECTSTATIC: "the site fixture, test_an_upgrade_...",
    CHECK_DEPLOY: "test_set_up_builds_a_production_site_that_passes_check_deploy",
    CREATE_SUPERUSER: "the site fixture",
    GUNICORN: "test_web_worker_and_beat_start_answer_and_stop_on_term, test_an_upgrade_...",
    CURL_HEALTH: "test_web_worker_and_beat_start_answer_and_stop_on_term",
    WORKER: "test_web_worker_and_beat_start_answer_and_stop_on_term, test_an_upgrade_...",
    BEAT: "test_web_worker_and_beat_start_answer_and_stop_on_term, test_an_upgrade_...",
    RELOAD_WEB: "test_an_upgrade_while_the_site_runs_fails_no_request",
    STOP_WEB: "test_web_worker_and_beat_start_answer_and_stop_on_term",
    STOP_WORKER: "test_web_worker_and_beat_start_answer_and_stop_on_term, test_an_upgrade_...",
    STOP_BEAT: "test_web_worker_and_beat_start_answer_and_stop_on_term, test_an_upgrade_...",
    DUMP: "test_a_dump_restores_every_row_and_an_audit_log_that_refuses_changes",
    LIST_DUMP: "test_a_dump_restores_every_row_and_an_audit_log_that_refuses_changes",
    RESTORE: "test_a_dump_restores_every_row_and_an_audit_log_that_refuses_changes",
    GIT_PULL: "test_an_upgrade_while_the_site_runs_fails_no_request, in a clone of this repository",
}


# --- What the guide says ------------------------------------------------------------------------------------------


def guide_commands(text: str) -> list[str]:
    """The command lines of the guide's ```sh blocks: comments and blank lines left out, continued lines joined."""
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        pending = ""
        for line in block.splitlines():
            if pending == "" and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1].strip() + " "
                continue
            commands.append((pending + line.strip()).strip())
            pending = ""
    return commands


def guide_variables(text: str) -> set[str]:
    """The variables in the first column of the guide's table under "### Every variable"."""
    section = text.split("### Every variable", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE))


def variables_settings_read() -> set[str]:
    """Every name mentoring/settings.py passes to env_str, env_bool, env_int or env_list."""
    tree = ast.parse((PROJECT_ROOT / "mentoring" / "settings.py").read_text())
    readers = {"env_str", "env_bool", "env_int", "env_list"}
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in readers
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_command_in_the_guide_is_run_here():
    commands = guide_commands(GUIDE.read_text())
    assert len(commands) >= len(EXERCISED)  # a command may appear twice (migrate: set up, and upgrade)
    assert set(commands) - set(EXERCISED) == set(), "commands in docs/deploy.md that no test runs"
    assert set(EXERCISED) - set(commands) == set(), "commands tested here that docs/deploy.md no longer has"


def test_each_command_is_run_by_a_test():
    """Each constant of EXERCISED is passed to a runner in this file: Site.sh, Site.start or bash -c (LOAD_ENV runs
    inside all of them). A command listed above and run nowhere would make the check above a promise only."""
    runners = {"sh", "start"}
    run: set[str] = set()
    for node in ast.walk(ast.parse(Path(__file__).read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if isinstance(node.func, ast.Attribute) and node.func.attr in runners and isinstance(first, ast.Name):
            run.add(first.id)
        if isinstance(first, ast.List) and [getattr(item, "value", None) for item in first.elts[:2]] == ["bash", "-c"]:
            run.update(item.id for item in first.elts[2:] if isinstance(item, ast.Name))
    assert {globals()[name] for name in run if name in globals()} | {LOAD_ENV} == set(EXERCISED)


def test_the_guide_explains_every_variable_the_settings_read_and_no_other():
    read = variables_settings_read()
    assert {"SECRET_KEY", "DATABASE_URL", "CACHE_URL", "TRUST_X_FORWARDED_PROTO"} <= read  # the parser finds them
    assert guide_variables(GUIDE.read_text()) == read


def test_the_systemd_units_start_what_the_guide_runs():
    """The units are configuration nobody runs here: at least they must start the same programs with the same
    options, with systemd's ${RUN_DIR} where the shell has "$RUN_DIR"."""
    text = GUIDE.read_text()
    starts = re.findall(r"^ExecStart=/srv/mentoring/(.*)$", text, flags=re.MULTILINE)
    as_in_shell = [re.sub(r"=\$\{RUN_DIR\}(\S*)", r'="$RUN_DIR\1"', line) for line in starts]
    as_in_shell = [re.sub(r" \$\{RUN_DIR\}(\S*)", r' "$RUN_DIR\1"', line) for line in as_in_shell]
    as_in_shell = [line.replace("127.0.0.1:8000", '"127.0.0.1:${PORT:-8000}"') for line in as_in_shell]
    assert as_in_shell == [GUNICORN, WORKER, BEAT]


# --- Commands that need no database -------------------------------------------------------------------------------


def test_a_virtual_environment_is_made_as_the_guide_says(tmp_path):
    if shutil.which("python3.11") is None:
        if UNDER_CI:
            pytest.fail("CI needs python3.11 on PATH.")
        pytest.skip("python3.11 is not on PATH")
    result = subprocess.run(["bash", "-c", MAKE_VENV], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    version = subprocess.run(
        [tmp_path / ".venv" / "bin" / "python", "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "(3, 11)"
    assert (tmp_path / ".venv" / "bin" / "pip").exists()


def test_installing_the_requirements_again_downloads_nothing():
    """The project's .venv has them all, so pip must find every one satisfied; PIP_NO_INDEX makes it fail rather
    than download. Installing into an empty virtual environment is what CI's `make install` does with the same
    requirements (requirements-dev.txt includes requirements.txt)."""
    assert "-r requirements.txt" in (PROJECT_ROOT / "requirements-dev.txt").read_text()
    assert "pip install --quiet -r requirements-dev.txt" in (PROJECT_ROOT / "Makefile").read_text()
    environment = os.environ | {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run(
        ["bash", "-c", PIP_INSTALL], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Requirement already satisfied: gunicorn==" in result.stdout
    assert "Successfully installed" not in result.stdout


# --- A private site on PostgreSQL ---------------------------------------------------------------------------------


@dataclass
class Site:
    """One production deployment as the guide builds it: its environment file and the shell around it."""

    folder: Path
    admin: dict[str, str]  # PGHOST, PGPORT, PGUSER, PGPASSWORD of the server's superuser
    name: str  # the role's and the database's name
    password: str
    settings: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def database_url(self, database: str) -> str:
        host, port = self.admin["PGHOST"], self.admin["PGPORT"]
        return f"postgres://{self.name}:{quote(self.password, safe='')}@{host}:{port}/{database}"

    def write_environment_file(self, path: Path, **changes: str) -> Path:
        values = self.settings | changes
        path.write_text("".join(f'{key}="{value}"\n' for key, value in values.items()))
        return path

    def environment(self, **shell_variables: str) -> dict[str, str]:
        """A shell with none of the test run's settings; the environment file and the guide's shell variables."""
        clean = {
            key: value
            for key, value in os.environ.items()
            if key not in SETTINGS_VARIABLES | variables_settings_read()
            and not key.startswith(("PG", "DJANGO_SUPERUSER_"))
        }
        return (
            clean
            | self.admin
            | {
                "MENTORING_ENV": str(self.folder / "mentoring.env"),
                "DB_USER": self.name,
                "DB_NAME": self.name,
                "BACKUP_DIR": str(self.folder / "backups"),
                "PORT": self.settings.get("PORT", "8000"),
                **shell_variables,
            }
        )

    def sh(self, command: str, *, input: str | None = None, cwd: Path = PROJECT_ROOT, **shell_variables: str):
        """Runs one of the guide's commands after loading the environment file, as an administrator would."""
        assert command in EXERCISED, command
        result = subprocess.run(
            ["bash", "-c", f"{LOAD_ENV}\n{command}"],
            cwd=cwd,
            env=self.environment(**shell_variables),
            input=input,
            capture_output=True,
            text=True,
            timeout=180,
            start_new_session=True,  # no terminal: createuser reads its password from stdin
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result

    def manage(self, *arguments: str, **shell_variables: str) -> str:
        """manage.py with the site's environment, for what the test itself needs (not one of the guide's commands)."""
        result = subprocess.run(
            ["bash", "-c", f'{LOAD_ENV}\n.venv/bin/python manage.py "$@"', "manage", *arguments],
            cwd=PROJECT_ROOT,
            env=self.environment(**shell_variables),
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self, command: str, log_name: str) -> tuple[subprocess.Popen, Path]:
        """One of the guide's long-running commands, in the background, in its own process group."""
        assert command in EXERCISED, command
        log = self.folder / log_name
        with log.open("ab") as output:
            process = subprocess.Popen(
                ["bash", "-c", f"{LOAD_ENV}\nexec {command}"],
                cwd=PROJECT_ROOT,
                env=self.environment(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process, log

    def stop_everything(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def sql(self, database: str, statement: str) -> list[tuple]:
        import psycopg2

        db = psycopg2.connect(self.database_url(database))
        try:
            with db, db.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else []
        finally:
            db.close()


def _postgres_admin() -> dict[str, str]:
    """The superuser of the server DATABASE_URL names (CI: postgres@127.0.0.1:5432), as libpq's variables."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    require_service("PostgreSQL", url)
    for program in ("createuser", "createdb", "psql", "dropdb", "dropuser", "pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            message = f"{program} (PostgreSQL's client programs) is not on PATH"
            if UNDER_CI:
                pytest.fail(f"{message}; CI requires it.")
            pytest.skip(message)
    parts = urlsplit(url)
    return {
        "PGHOST": parts.hostname or "127.0.0.1",
        "PGPORT": str(parts.port or 5432),
        "PGUSER": parts.username or "postgres",
        "PGPASSWORD": parts.password or "",
    }


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A redis-server of this module's own; without the program, the shared Redis (the queue is private anyway)."""
    if shutil.which("redis-server") is None:
        url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
        require_service("Redis", url)
        yield url.rsplit("/", 1)[0]
        return
    server = RedisServer(port=_free_port(), folder=tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url.rsplit("/", 1)[0]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_url) -> Iterator[Site]:
    """Install, configure, create the database, set up and create the first account: the guide's first half.

    Then the test's own additions: the demo data (seed_demo, which needs DEBUG=1) and a programme created by the
    first account, which records an audit event for the backup test to restore."""
    admin = _postgres_admin()
    folder = tmp_path_factory.mktemp("deploy")
    for name in ("var", "run", "backups"):
        (folder / name).mkdir()
    site = Site(folder=folder, admin=admin, name=f"deploy_guide_{secrets.token_hex(4)}", password=secrets.token_hex(8))
    secret_key = subprocess.run(
        ["bash", "-c", MAKE_SECRET_KEY], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    site.settings = {
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": SITE_HOST,
        "DATABASE_URL": site.database_url(site.name),
        "CELERY_BROKER_URL": f"{redis_url}/0",
        "CACHE_URL": f"{redis_url}/1",
        "CELERY_TASK_DEFAULT_QUEUE": site.name,
        "EMAIL_URL": f"file://{folder / 'mail'}",
        "DEFAULT_FROM_EMAIL": "Mentoring <mentoring@example.org>",
        "TRUST_X_FORWARDED_PROTO": "1",
        "TIME_ZONE": "Europe/Berlin",
        "VAR_DIR": str(folder / "var"),
        "RUN_DIR": str(folder / "run"),
        "PORT": str(_free_port()),
    }
    site.write_environment_file(folder / "mentoring.env")
    try:
        site.sh(CREATE_ROLE, input=f"{site.password}\n{site.password}\n")
        site.sh(CREATE_DATABASE)
        site.sh(TUNE_DATABASE)
        site.sh(MIGRATE)
        site.sh(COLLECTSTATIC)
        site.sh(
            CREATE_SUPERUSER,
            DJANGO_SUPERUSER_EMAIL="admin@example.org",
            DJANGO_SUPERUSER_DISPLAY_NAME="Ada Admin",
            DJANGO_SUPERUSER_PASSWORD="a-long-administrator-password",
        )
        site.manage("seed_demo", DEBUG="1")
        site.manage("shell", "-v", "0", "-c", FIRST_PROGRAMME)
        yield site
    finally:
        site.stop_everything()
        environment = site.environment()
        for database in (site.name, f"{site.name}_restored"):
            subprocess.run(["dropdb", "--if-exists", "--force", database], env=environment, capture_output=True)
        subprocess.run(["dropuser", "--if-exists", site.name], env=environment, capture_output=True)


FIRST_PROGRAMME = """
import datetime
from accounts.models import User
from programmes.services import create_programme
admin = User.objects.get(email="admin@example.org")
create_programme(
    by=admin, name="First programme", starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 9, 30)
)
"""


@pytest.mark.services
def test_set_up_builds_a_production_site_that_passes_check_deploy(site):
    assert len(site.settings["SECRET_KEY"]) >= 50
    result = site.sh(CHECK_DEPLOY)
    assert "System check identified no issues" in result.stdout
    script = "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['NAME'], s.STATIC_ROOT)"
    assert site.manage("shell", "-v", "0", "-c", script).split() == [
        "False",
        site.name,
        str(site.folder / "var" / "staticfiles"),
    ]
    assert (site.folder / "var" / "staticfiles" / "staticfiles.json").exists(), "collectstatic wrote the manifest"
    assert "No migrations to apply." in site.sh(MIGRATE).stdout  # running it again is harmless
    triggers = site.sql(
        site.name, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
    )
    assert triggers == [("audit_event_refuse_change",)]
    assert site.sql(site.name, "SHOW random_page_cost") == [("1.1",)]  # the site's own connections plan for SSDs
    assert site.sql(site.name, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'") == [("pg_trgm",)]


SIGN_IN_AS_THE_FIRST_ACCOUNT = """
import json, os
from django.test import Client
from accounts.models import User
from programmes.models import ProgrammeMembership
admin = User.objects.get(email="admin@example.org")
client = Client(HTTP_HOST="mentoring.example.org")
page = client.post(
    "/accounts/login/", {"login": admin.email, "password": "a-long-administrator-password"}, secure=True
)
print(json.dumps({
    "superuser": admin.is_superuser and admin.is_staff,
    "name": admin.display_name,
    "coordinates": list(ProgrammeMembership.objects.filter(user=admin).values_list("programme__name", "role")),
    "sign_in": [page.status_code, page.get("Location", "")],
    "mail": sorted(os.listdir(os.environ["EMAIL_URL"].removeprefix("file://"))),
}))
"""


@pytest.mark.services
def test_the_first_account_confirms_its_address_and_creates_a_programme(site):
    found = json.loads(site.manage("shell", "-v", "0", "-c", SIGN_IN_AS_THE_FIRST_ACCOUNT))
    assert found["superuser"] is True
    assert found["name"] == "Ada Admin"
    assert found["coordinates"] == [["First programme", "coordinator"]]
    assert found["sign_in"] == [302, "/accounts/confirm-email/"], "the first sign-in asks to confirm the address"
    assert found["mail"], "the confirmation email went out through EMAIL_URL"


def get(url: str, *, timeout: float = 5, **headers: str) -> tuple[int, str]:
    """Status and Location of one request, redirects not followed; 0 when nothing answers in time."""
    request = urllib.request.Request(url, headers={"Host": SITE_HOST, **headers})

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *arguments, **keywords):
            return None

    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")
    except (urllib.error.URLError, OSError):
        return 0, ""  # nothing listens (yet), or no answer in time


def log_says(log: Path, text: str) -> bool:
    return text in log.read_text(errors="replace")


@pytest.mark.services
def test_web_worker_and_beat_start_answer_and_stop_on_term(site):
    web, web_log = site.start(GUNICORN, "web.log")
    worker, worker_log = site.start(WORKER, "worker.log")
    beat, beat_log = site.start(BEAT, "beat.log")
    base = f"http://127.0.0.1:{site.settings['PORT']}"

    assert wait_for(lambda: log_says(worker_log, " ready."), seconds=60), worker_log.read_text()
    assert wait_for(lambda: get(f"{base}/health/")[0] == 200, seconds=30), web_log.read_text()
    health = site.sh(CURL_HEALTH)
    assert json.loads(health.stdout) == {"status": "ok", "database": "ok", "broker": "ok"}
    # Plain HTTP is redirected everywhere but /health/; with the proxy's header, the page is served.
    assert get(f"{base}/accounts/login/") == (301, f"https://{SITE_HOST}/accounts/login/")
    assert get(f"{base}/accounts/login/", **{"X-Forwarded-Proto": "https"})[0] == 200
    manifest = json.loads((site.folder / "var" / "staticfiles" / "staticfiles.json").read_text())
    stylesheet = manifest["paths"]["css/site.css"]
    assert stylesheet != "css/site.css"
    assert get(f"{base}/static/{stylesheet}", **{"X-Forwarded-Proto": "https"})[0] == 200, "WhiteNoise serves it"

    assert wait_for(lambda: log_says(beat_log, "beat: Starting..."), seconds=30), beat_log.read_text()
    assert wait_for(lambda: any((site.folder / "var").glob("celerybeat-schedule*")), seconds=30)
    # The worker takes tasks from the site's queue on its private Redis: the sweep beat sends every minute.
    site.manage("shell", "-v", "0", "-c", "from outbox.tasks import sweep_outbox; sweep_outbox.delay()")
    assert wait_for(lambda: log_says(worker_log, "outbox.tasks.sweep_outbox") and log_says(worker_log, "succeeded"))

    site.sh(STOP_BEAT)
    site.sh(STOP_WORKER)
    site.sh(STOP_WEB)
    for process in (beat, worker, web):
        assert process.wait(timeout=60) == 0
    assert log_says(worker_log, "worker: Warm shutdown")
    assert list((site.folder / "run").iterdir()) == [], "every process removed its pid file"


@pytest.mark.services
def test_an_upgrade_while_the_site_runs_fails_no_request(site, tmp_path):
    web, web_log = site.start(GUNICORN, "upgrade-web.log")
    worker, worker_log = site.start(WORKER, "upgrade-worker.log")
    beat, beat_log = site.start(BEAT, "upgrade-beat.log")
    health = f"http://127.0.0.1:{site.settings['PORT']}/health/"
    assert wait_for(lambda: get(health)[0] == 200, seconds=30), web_log.read_text()
    assert wait_for(lambda: log_says(worker_log, " ready."), seconds=60), worker_log.read_text()
    assert wait_for(lambda: log_says(beat_log, "beat: Starting..."), seconds=30), beat_log.read_text()

    answers: list[int] = []
    upgrading = threading.Event()

    def keep_asking() -> None:
        while not upgrading.is_set():
            answers.append(get(health, timeout=30)[0])  # slow on a busy machine is not a failed request
            time.sleep(0.05)

    asking = threading.Thread(target=keep_asking)
    asking.start()
    try:
        site.sh(STOP_BEAT)
        clone = tmp_path / "clone"
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{PROJECT_ROOT}", clone], check=True)
        assert "Already up to date." in site.sh(GIT_PULL, cwd=clone).stdout
        site.sh(PIP_INSTALL, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        site.sh(MIGRATE)
        site.sh(COLLECTSTATIC)
        site.sh(RELOAD_WEB)
        assert wait_for(lambda: web_log.read_text().count("Booting worker") >= 6, seconds=30), web_log.read_text()
        site.sh(STOP_WORKER)
        assert worker.wait(timeout=60) == 0
        assert beat.wait(timeout=30) == 0
        time.sleep(0.5)  # a few more requests to the reloaded workers
    finally:
        upgrading.set()
        asking.join()
    assert "Handling signal: hup" in web_log.read_text()
    assert len(answers) > 20 and set(answers) == {200}, f"answers during the upgrade: {sorted(set(answers))}"
    assert web.poll() is None, "gunicorn reloads; it does not stop"
    os.kill(int((site.folder / "run" / "gunicorn.pid").read_text()), signal.SIGTERM)
    assert web.wait(timeout=60) == 0


COUNT_EVERY_TABLE = """
SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', table_name),
       false, true, '')))[1]::text::int
FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""


@pytest.mark.services
def test_a_dump_restores_every_row_and_an_audit_log_that_refuses_changes(site):
    import psycopg2

    site.sh(DUMP)
    [dump] = (site.folder / "backups").glob("mentoring-*.dump")
    listing = site.sh(LIST_DUMP, BACKUP_FILE=str(dump)).stdout
    assert "TRIGGER public audit_auditevent audit_event_refuse_change" in listing
    counts = dict(site.sql(site.name, COUNT_EVERY_TABLE))

    restored = f"{site.name}_restored"
    site.sh(CREATE_DATABASE, DB_NAME=restored)
    restored_env = site.write_environment_file(site.folder / "restored.env", DATABASE_URL=site.database_url(restored))
    site.sh(RESTORE, BACKUP_FILE=str(dump), MENTORING_ENV=str(restored_env))

    assert dict(site.sql(restored, COUNT_EVERY_TABLE)) == counts
    assert counts["audit_auditevent"] >= 1, "the first programme's creation is in the audit log"
    assert counts["accounts_user"] > 20, "the demo people"
    for statement in ("UPDATE audit_auditevent SET subject = 'changed'", "DELETE FROM audit_auditevent"):
        with pytest.raises(psycopg2.IntegrityError, match="audit events cannot be changed or deleted"):
            site.sql(restored, statement)
    assert dict(site.sql(restored, COUNT_EVERY_TABLE))["audit_auditevent"] == counts["audit_auditevent"]
