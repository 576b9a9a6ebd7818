"""Conversations: threads, messages, read receipts, blocks, reports and real-time pushes."""
