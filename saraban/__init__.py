"""Saraban: Thai government paperwork to structured records."""
__version__ = "0.1.0"
