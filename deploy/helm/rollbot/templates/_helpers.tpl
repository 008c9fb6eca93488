{{/* Chart name, overridable. */}}
{{- define "rollbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name for every object. */}}
{{- define "rollbot.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "rollbot.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "rollbot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "rollbot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rollbot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "rollbot.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "rollbot.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret with the Slack credentials: yours, or the one this chart makes. */}}
{{- define "rollbot.slackSecretName" -}}
{{- default (printf "%s-slack" (include "rollbot.fullname" .)) .Values.slack.existingSecret }}
{{- end }}

{{- define "rollbot.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* Environment both processes need: config, Redis, Slack's bot token, logging. */}}
{{- define "rollbot.commonEnv" -}}
- name: ROLLBOT_CONFIG
  value: /config/rollbot.yaml
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: HOME
  value: /tmp
- name: REDIS_URL
{{- if .Values.redis.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.urlKey }}
{{- else }}
  value: {{ required "Set redis.url (or redis.existingSecret): rollbot needs a Redis for its job queues." .Values.redis.url | quote }}
{{- end }}
- name: SLACK_BOT_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "rollbot.slackSecretName" . }}
      key: SLACK_BOT_TOKEN
{{- with .Values.slack.apiUrl }}
- name: SLACK_API_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Volumes both processes mount: the config, a writable /tmp, and the shared catalog if any. */}}
{{- define "rollbot.commonVolumes" -}}
- name: config
  configMap:
    name: {{ include "rollbot.fullname" . }}-config
- name: tmp
  emptyDir: {}
{{- with .Values.catalog.existingClaim }}
- name: catalog
  persistentVolumeClaim:
    claimName: {{ . }}
{{- end }}
{{- end }}

{{- define "rollbot.commonVolumeMounts" -}}
- name: config
  mountPath: /config
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if .Values.catalog.existingClaim }}
- name: catalog
  mountPath: {{ .Values.catalog.mountPath }}
{{- end }}
{{- end }}
