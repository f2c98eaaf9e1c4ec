"""scripts/build-addon makes a zip that Blender installs and enables as a legacy add-on."""
from __future__ import annotations

import subprocess
import sys
import zipfile

from ..paths import REPO
from .blender_worker import BLENDER, blender_environment, hard_limited

INSTALL_SCRIPT = """
import addon_utils, bpy, sys
bpy.ops.preferences.addon_install(filepath=sys.argv[-1])
addon_utils.enable("blender_mcp", default_set=True)
import blender_mcp
prefs = bpy.context.preferences.addons["blender_mcp"].preferences
print("INSTALLED", blender_mcp.__file__, prefs.server_url, hasattr(bpy.types, "BLENDERMCP_PT_panel"),
      bpy.ops.blendermcp.test_connection.idname())
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
