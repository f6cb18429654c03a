"""The Word documents staff deliver, drafted from the consolidated data: the Báo cáo tổng kết
following the đề cương, the công văn đôn đốc, and the units' opinions gathered by outline item."""
