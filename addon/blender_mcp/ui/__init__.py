"""Blender UI of the addon: preferences, sidebar panel, operators and the timer pump."""
