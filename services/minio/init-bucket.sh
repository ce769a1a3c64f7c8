#!/bin/sh
# One-shot MinIO set-up for docker-compose.yml (image minio/mc): create the detopt bucket and a
# lifecycle rule that deletes checkpoint objects some days after they were written. Checkpoints only
# matter while their step runs; a finished step's result lives in PostgreSQL. Idempotent.
set -eu
mc alias set detopt "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
mc mb --ignore-existing "detopt/$S3_BUCKET"
if ! mc ilm rule ls "detopt/$S3_BUCKET" 2>/dev/null | grep -q 'studies/'; then
  mc ilm rule add --prefix "studies/" --expire-days "$CHECKPOINT_EXPIRY_DAYS" "detopt/$S3_BUCKET"
fi
mc ilm rule ls "detopt/$S3_BUCKET"
