"""Starting (or reusing) the Spark session of the Spark engine; pyspark and Java are optional.

``pip install -e ".[spark]"`` (or ``pip install "policytag[spark]"``) brings pyspark; Java 17
is its runtime. On ``local[...]`` masters the Python workers run this interpreter
(``PYSPARK_PYTHON``, unless set); on a cluster set ``PYSPARK_PYTHON`` (or
``spark.pyspark.python``) to the nodes' Python with policytag installed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

INSTALL_HINT = 'pip install -e ".[spark]" (or pip install "policytag[spark]")'
JAVA_HINT = "apt-get install openjdk-17-jre-headless (scripts/setup_java.sh) or set JAVA_HOME"
PANDAS_WARNING = "PySpark does not yet fully support pandas"  # pandas 3: the types used here convert fine

DEFAULT_CONF = {
    "spark.app.name": "policytag-batch",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.python.worker.reuse": "true",  # one Python worker runs many tasks: the model loads once per worker
    "spark.executorEnv.PYTHONWARNINGS": f"ignore:{PANDAS_WARNING}:FutureWarning",  # in the Python workers
}

_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
logger.submit.name = org.apache.spark.deploy.SparkSubmit
logger.submit.level = error
"""


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing, or Spark cannot start (the CLI exits 2 with this message)."""


def require_spark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable(f"--engine spark needs pyspark, which is not installed: {INSTALL_HINT}; "
                               "Java 17 is its runtime") from None
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and (Path(java_home) / "bin" / "java").is_file()):
        raise SparkUnavailable(f"--engine spark needs Java 17, and no java was found on PATH or in JAVA_HOME: "
                               f"{JAVA_HINT}")


def quiet_pandas_warning() -> None:
    warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)


def get_session(master: str = "local[*]", conf: dict[str, str] | None = None):
    """``(session, started)``: the active session if there is one (``started`` False: leave it running),
    else a new one on ``master`` with :data:`DEFAULT_CONF` overridden by ``conf``."""
    require_spark()
    quiet_pandas_warning()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {**DEFAULT_CONF, **(conf or {})}
    if "spark.driver.extraJavaOptions" not in settings:
        settings["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={_log4j_file().as_uri()}"
    builder = SparkSession.builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - Py4J and the JVM fail in many ways; say which master
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SparkUnavailable(f"cannot start Spark on {master}: {first} (Java 17 is needed: {JAVA_HINT})") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark, True


def shutdown(spark) -> None:
    """Stop the session and end the JVM this process started for it (a later session starts afresh)."""
    from pyspark import SparkContext

    spark.stop()
    gateway = SparkContext._gateway
    if gateway is None:
        return
    proc = getattr(gateway, "proc", None)
    gateway.shutdown()
    if proc is not None:
        proc.stdin.close()  # the JVM's PythonGatewayServer exits when its stdin closes
        try:
            proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - still running after 30 s: end it
            proc.kill()
            proc.wait()
    SparkContext._gateway = None
    SparkContext._jvm = None


def _log4j_file() -> Path:
    path = Path(tempfile.gettempdir()) / "policytag-spark-log4j2.properties"
    if not path.is_file() or path.read_text() != _LOG4J:
        tmp = path.with_name(f"{path.name}.{os.getpid()}")
        tmp.write_text(_LOG4J)
        os.replace(tmp, path)
    return path
