"""Saraban: Thai government paperwork to structured records."""
__version__ = "0.2.0"
