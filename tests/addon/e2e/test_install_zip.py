"""scripts/build-addon makes a zip that Blender 3.4 installs and enables as a legacy add-on, and that
Blender 4.2 and later (the bpy modules) install through their own extension API with the manifest
it ships, into a user repository, enabled with its operators, panel and preferences."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile

import pytest

from ..paths import REPO
from .blender_worker import BLENDER, blender_environment, hard_limited
from .conftest import require, versions_to_test

INSTALL_SCRIPT = """
import addon_utils, bpy, sys
bpy.ops.preferences.addon_install(filepath=sys.argv[-1])
addon_utils.enable("blender_mcp", default_set=True)
import blender_mcp
prefs = bpy.context.preferences.addons["blender_mcp"].preferences
print("INSTALLED", blender_mcp.__file__, prefs.server_url, hasattr(bpy.types, "BLENDERMCP_PT_panel"),
      bpy.ops.blendermcp.test_connection.idname())
"""


# Blender's extension API: package_install_files validates the manifest, unpacks the zip into the
# repository `user_default` (under BLENDER_USER_EXTENSIONS) and enables it as
# bl_ext.user_default.blender_mcp.
EXTENSION_SCRIPT = """
import bpy, sys
result = bpy.ops.extensions.package_install_files(filepath=sys.argv[-1], repo="user_default",
                                                  enable_on_install=True)
name = "bl_ext.user_default.blender_mcp"
prefs = bpy.context.preferences.addons[name].preferences
print("INSTALLED", sorted(result)[0], sys.modules[name].__file__, prefs.server_url,
      hasattr(bpy.types, "BLENDERMCP_PT_panel"), bpy.ops.blendermcp.test_connection.idname())
"""


def build(out_dir) -> str:
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "build-addon"), "--out", str(out_dir)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_zip_has_the_package_as_its_top_folder_and_no_caches(tmp_path):
    path = build(tmp_path)
    assert path.endswith("blender_mcp-1.0.0.zip")
    names = zipfile.ZipFile(path).namelist()
    assert all(name.startswith("blender_mcp/") for name in names)
    assert {"blender_mcp/__init__.py", "blender_mcp/blender_manifest.toml", "blender_mcp/executor.py",
            "blender_mcp/settings.py"} <= set(names)
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_blender_installs_and_enables_the_zip(tmp_path):
    path = build(tmp_path)
    env = blender_environment()
    script = tmp_path / "install.py"
    script.write_text(INSTALL_SCRIPT)
    args = [BLENDER, "-b", "--factory-startup", "--python-exit-code", "1", "--python", str(script), "--", path]
    done = subprocess.run(hard_limited(args, 90), env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("INSTALLED"))
    installed_at, server_url, has_panel, operator = line.split()[1:]
    assert installed_at.startswith(env["BLENDER_USER_SCRIPTS"]) and installed_at.endswith("blender_mcp/__init__.py")
    assert (server_url, has_panel, operator) == ("http://localhost:8000/mcp", "True", "BLENDERMCP_OT_test_connection")


@pytest.mark.parametrize("version", [version for version in versions_to_test() if version != "3.4"])
def test_blender_4_2_and_later_install_the_zip_as_an_extension_and_enable_it(tmp_path, version):
    runtime = require(version)
    path = build(tmp_path)
    extensions = tempfile.mkdtemp(prefix="bmcp-extensions-", dir=tmp_path)
    env = blender_environment({"BLENDER_USER_EXTENSIONS": extensions})
    script = tmp_path / "install_extension.py"
    script.write_text(EXTENSION_SCRIPT)
    done = subprocess.run(hard_limited(runtime.script_command(str(script), [path]), 90), env=env,
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("INSTALLED"))
    result, installed_at, server_url, has_panel, operator = line.split()[1:]
    assert result == "FINISHED"
    assert installed_at == os.path.join(extensions, "user_default", "blender_mcp", "__init__.py")
    assert (server_url, has_panel, operator) == ("http://localhost:8000/mcp", "True", "BLENDERMCP_OT_test_connection")
