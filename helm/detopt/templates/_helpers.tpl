{{/* Name of the chart, overridable. */}}
{{- define "detopt.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name prefix of every resource: <release>-detopt, or the release name if it contains "detopt". */}}
{{- define "detopt.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "detopt.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "detopt.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "detopt.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "detopt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component (optimizer-service, worker, minio). */}}
{{- define "detopt.selectorLabels" -}}
app.kubernetes.io/name: {{ include "detopt.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "detopt.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "detopt.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "detopt.serviceImage" -}}
{{- printf "%s:%s" .Values.service.image.repository (default .Chart.AppVersion .Values.service.image.tag) -}}
{{- end -}}

{{- define "detopt.workerImage" -}}
{{- printf "%s:%s" .Values.workers.image.repository (default .Chart.AppVersion .Values.workers.image.tag) -}}
{{- end -}}

{{/* Secrets: the existing one if given, else the chart's. */}}
{{- define "detopt.authSecret" -}}
{{- default (printf "%s-auth" (include "detopt.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}
{{- define "detopt.dbSecret" -}}
{{- default (printf "%s-db" (include "detopt.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}
{{- define "detopt.s3Secret" -}}
{{- default (printf "%s-s3" (include "detopt.fullname" .)) .Values.objectStore.existingSecret -}}
{{- end -}}

{{/* The S3 endpoint the service and workers use: the bundled MinIO when enabled. */}}
{{- define "detopt.s3Endpoint" -}}
{{- if .Values.minio.enabled -}}
{{- printf "http://%s-minio:9000" (include "detopt.fullname" .) -}}
{{- else -}}
{{- required "objectStore.endpoint is required (or set minio.enabled=true)" .Values.objectStore.endpoint -}}
{{- end -}}
{{- end -}}

{{/*
A secret value kept across upgrades: the value given, else the one already in the cluster, else a
new random one. (helm template has no cluster: it always renders a random value.)
*/}}
{{- define "detopt.secretValue" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if .value -}}
{{- .value | b64enc -}}
{{- else if and $existing (hasKey $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- randAlphaNum 40 | b64enc -}}
{{- end -}}
{{- end -}}

{{/* Service account of the worker pods (carries the image pull secrets); empty = the namespace's default. */}}
{{- define "detopt.workerServiceAccountName" -}}
{{- if .Values.workers.serviceAccount.create -}}
{{- default (printf "%s-worker" (include "detopt.fullname" .)) .Values.workers.serviceAccount.name -}}
{{- else -}}
{{- .Values.workers.serviceAccount.name -}}
{{- end -}}
{{- end -}}
