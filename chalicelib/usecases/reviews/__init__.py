"""Reviews: posting (blind), publication (both at once, or at the window's end by a timer),
reading, replies, reports and appeals, and hiding by moderation."""
