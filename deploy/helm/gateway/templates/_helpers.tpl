{{/*
Names and labels.
*/}}
{{- define "gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gateway.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of a service's objects: <fullname>-<service>. Argument: dict root svc. */}}
{{- define "gateway.svcFullname" -}}
{{- printf "%s-%s" (include "gateway.fullname" .root | trunc 40 | trimSuffix "-") .svc.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gateway.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .svc.name }}
{{- end -}}

{{- define "gateway.labels" -}}
helm.sh/chart: {{ include "gateway.chart" .root }}
{{ include "gateway.selectorLabels" . }}
app.kubernetes.io/part-of: {{ include "gateway.name" .root }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{- define "gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gateway.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
A deep merge of two maps, the second one's values winning, false, 0 and null included (Sprig's
mergeOverwrite keeps the first one's value when the second one's is empty). Argument: list base
over. Renders YAML.
*/}}
{{- define "gateway.merge" -}}
{{- $base := deepCopy (index . 0) -}}
{{- range $key, $value := (index . 1) -}}
{{- $current := get $base $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- $_ := set $base $key (include "gateway.merge" (list $current $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $base $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $base -}}
{{- end -}}

{{/*
Every service the release runs: ops, then each enabled chain (chainDefaults with the entry on
top), each with its name and component ("ops" or "chain"). Renders YAML {services: [...]}; the
templates read it with fromYaml. Checks names: a chain needs one, unique, DNS-label shaped.
*/}}
{{- define "gateway.services" -}}
{{- $services := list -}}
{{- if .Values.ops.enabled -}}
{{- $ops := deepCopy .Values.ops -}}
{{- $_ := set $ops "name" "ops" -}}
{{- $_ := set $ops "component" "ops" -}}
{{- $services = append $services $ops -}}
{{- end -}}
{{- $seen := dict "ops" true -}}
{{- range $index, $entry := .Values.chains -}}
{{- if not (kindIs "map" $entry) -}}
{{- fail (printf "chains[%d] is empty: every entry needs at least a name (Helm replaces a list: give every chain, e.g. in a values file)" $index) -}}
{{- end -}}
{{- $name := get $entry "name" | default "" | toString -}}
{{- if not (regexMatch "^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$" $name) -}}
{{- fail (printf "chains[%d].name %q must be a DNS label of at most 32 characters (lower case letters, digits, '-')" $index $name) -}}
{{- end -}}
{{- if hasKey $seen $name -}}
{{- fail (printf "chains[%d].name %q is used twice (or is \"ops\")" $index $name) -}}
{{- end -}}
{{- $_ := set $seen $name true -}}
{{- $chain := include "gateway.merge" (list $.Values.chainDefaults $entry) | fromYaml -}}
{{- if $chain.enabled -}}
{{- $_ := set $chain "component" "chain" -}}
{{- $services = append $services $chain -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "services" $services) -}}
{{- end -}}

{{/* The image of a service. Argument: dict root svc. */}}
{{- define "gateway.image" -}}
{{- $g := .root.Values.image -}}
{{- $img := .svc.image | default dict -}}
{{- $repository := $img.repository | default "" -}}
{{- if not $repository -}}
{{- $repository = printf "%s/%s" $g.repositoryPrefix .svc.name | trimPrefix "/" -}}
{{- if $g.registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $g.registry) $repository -}}
{{- end -}}
{{- end -}}
{{- $tag := $img.tag | default $g.tag | default .root.Chart.AppVersion | toString -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "gateway.pullPolicy" -}}
{{- $img := .svc.image | default dict -}}
{{- $img.pullPolicy | default .root.Values.image.pullPolicy -}}
{{- end -}}

{{/* SHUTDOWN_GRACE_MS of a service (an integer). Argument: dict root svc. */}}
{{- define "gateway.shutdownGraceMs" -}}
{{- if kindIs "invalid" .svc.shutdownGraceMs -}}
{{- int .root.Values.shutdownGraceMs -}}
{{- else -}}
{{- int .svc.shutdownGraceMs -}}
{{- end -}}
{{- end -}}

{{/*
terminationGracePeriodSeconds of a service: preStop sleep + the drain (SHUTDOWN_GRACE_MS rounded
up to a second) + terminationGraceMarginSeconds, or the service's own value, which must exceed the
preStop sleep plus the drain, else the chart fails. Argument: dict root svc.
*/}}
{{- define "gateway.terminationGracePeriodSeconds" -}}
{{- $graceMs := include "gateway.shutdownGraceMs" . | int -}}
{{- $drain := div (add $graceMs 999) 1000 -}}
{{- $preStop := int (.svc.preStopSleepSeconds | default 0) -}}
{{- $needed := add $preStop $drain -}}
{{- if kindIs "invalid" .svc.terminationGracePeriodSeconds -}}
{{- add $needed (int .root.Values.terminationGraceMarginSeconds) -}}
{{- else -}}
{{- $set := int .svc.terminationGracePeriodSeconds -}}
{{- if le $set $needed -}}
{{- fail (printf "%s.terminationGracePeriodSeconds=%d must be more than the preStop sleep (%ds) plus SHUTDOWN_GRACE_MS (%d ms, %ds): SIGKILL would cut the drain short. Raise it, or leave it null to have it computed" .svc.name $set $preStop $graceMs $drain) -}}
{{- end -}}
{{- $set -}}
{{- end -}}
{{- end -}}

{{/* The Kafka and etcd users of a service. Argument: dict root svc. */}}
{{- define "gateway.kafkaUser" -}}
{{- (.svc.kafka | default dict).username | default .svc.name -}}
{{- end -}}
{{- define "gateway.etcdUser" -}}
{{- (.svc.etcd | default dict).username | default .svc.name -}}
{{- end -}}

{{/* true when every etcd endpoint is https://, false when none is; fails on a mix. Argument: root. */}}
{{- define "gateway.etcdHttps" -}}
{{- $https := 0 -}}
{{- $all := 0 -}}
{{- range (splitList "," .Values.etcd.endpoints) -}}
{{- if trim . -}}
{{- $all = add1 $all -}}
{{- if hasPrefix "https://" (trim .) -}}{{- $https = add1 $https -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- if and (gt $https 0) (lt $https $all) -}}
{{- fail "etcd.endpoints mixes http:// and https:// endpoints: all or none" -}}
{{- end -}}
{{- if gt $https 0 -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/*
Where the secret files of a service are mounted, and what each is called there.
*/}}
{{- define "gateway.secretsDir" -}}/var/run/gateway{{- end -}}

{{/*
The files a service reads from Secrets: a YAML {files: [{env, secret, key, path}]} list. The env
variable of each file is set to <secretsDir>/<path>. Fails on settings the protocol does not use
(the service would refuse them at start). Argument: dict root svc.
*/}}
{{- define "gateway.secretFiles" -}}
{{- $v := .root.Values -}}
{{- $svc := .svc -}}
{{- $files := list -}}
{{- $protocol := $v.kafka.securityProtocol -}}
{{- $kafkaTls := or (eq $protocol "SSL") (eq $protocol "SASL_SSL") -}}
{{- $kafkaSasl := or (eq $protocol "SASL_PLAINTEXT") (eq $protocol "SASL_SSL") -}}
{{- $kafkaUser := include "gateway.kafkaUser" . -}}
{{- $etcdUser := include "gateway.etcdUser" . -}}
{{- $svcKafka := $svc.kafka | default dict -}}
{{- $svcEtcd := $svc.etcd | default dict -}}
{{- /* Kafka */ -}}
{{- if $kafkaSasl -}}
{{- $name := $svcKafka.passwordSecretName | default (replace "{user}" $kafkaUser $v.kafka.sasl.passwordSecretName) -}}
{{- $files = append $files (dict "env" "KAFKA_SASL_PASSWORD_FILE" "secret" $name "key" $v.kafka.sasl.passwordSecretKey "path" "kafka/password") -}}
{{- end -}}
{{- if $kafkaTls -}}
{{- if $v.kafka.tls.caSecretName -}}
{{- $files = append $files (dict "env" "KAFKA_TLS_CA_FILE" "secret" $v.kafka.tls.caSecretName "key" $v.kafka.tls.caSecretKey "path" "kafka/ca.pem") -}}
{{- end -}}
{{- if $v.kafka.tls.clientCert.enabled -}}
{{- $name := $svcKafka.clientCertSecretName | default (replace "{user}" $kafkaUser $v.kafka.tls.clientCert.secretName) -}}
{{- $files = append $files (dict "env" "KAFKA_TLS_CERT_FILE" "secret" $name "key" $v.kafka.tls.clientCert.certKey "path" "kafka/client.pem") -}}
{{- $files = append $files (dict "env" "KAFKA_TLS_KEY_FILE" "secret" $name "key" $v.kafka.tls.clientCert.keyKey "path" "kafka/client-key.pem") -}}
{{- end -}}
{{- end -}}
{{- /* etcd */ -}}
{{- if eq (include "gateway.etcdHttps" .root) "true" -}}
{{- if $v.etcd.tls.caSecretName -}}
{{- $files = append $files (dict "env" "ETCD_CA_FILE" "secret" $v.etcd.tls.caSecretName "key" $v.etcd.tls.caSecretKey "path" "etcd/ca.pem") -}}
{{- end -}}
{{- if $v.etcd.tls.clientCert.enabled -}}
{{- $name := $svcEtcd.clientCertSecretName | default (replace "{user}" $etcdUser $v.etcd.tls.clientCert.secretName) -}}
{{- $files = append $files (dict "env" "ETCD_CERT_FILE" "secret" $name "key" $v.etcd.tls.clientCert.certKey "path" "etcd/client.pem") -}}
{{- $files = append $files (dict "env" "ETCD_KEY_FILE" "secret" $name "key" $v.etcd.tls.clientCert.keyKey "path" "etcd/client-key.pem") -}}
{{- end -}}
{{- end -}}
{{- if $v.etcd.auth.enabled -}}
{{- $name := $svcEtcd.passwordSecretName | default (replace "{user}" $etcdUser $v.etcd.auth.passwordSecretName) -}}
{{- $files = append $files (dict "env" "ETCD_PASSWORD_FILE" "secret" $name "key" $v.etcd.auth.passwordSecretKey "path" "etcd/password") -}}
{{- end -}}
{{- /* ops */ -}}
{{- if eq $svc.component "ops" -}}
{{- if $svc.apiTokens.secretName -}}
{{- $files = append $files (dict "env" "OPS_API_TOKENS_FILE" "secret" $svc.apiTokens.secretName "key" $svc.apiTokens.key "path" "ops/api-tokens") -}}
{{- end -}}
{{- if $svc.tls.secretName -}}
{{- $files = append $files (dict "env" "OPS_TLS_CERT_FILE" "secret" $svc.tls.secretName "key" $svc.tls.certKey "path" "ops/https.pem") -}}
{{- $files = append $files (dict "env" "OPS_TLS_KEY_FILE" "secret" $svc.tls.secretName "key" $svc.tls.keyKey "path" "ops/https-key.pem") -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "files" $files) -}}
{{- end -}}

{{/*
Checks of the whole configuration that the schema cannot express. Argument: root.
*/}}
{{- define "gateway.validate" -}}
{{- $v := .Values -}}
{{- $protocol := $v.kafka.securityProtocol -}}
{{- $kafkaTls := or (eq $protocol "SSL") (eq $protocol "SASL_SSL") -}}
{{- $kafkaSasl := or (eq $protocol "SASL_PLAINTEXT") (eq $protocol "SASL_SSL") -}}
{{- if and $kafkaSasl (not $v.kafka.sasl.mechanism) -}}
{{- fail (printf "kafka.sasl.mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512) is needed with kafka.securityProtocol=%s" $protocol) -}}
{{- end -}}
{{- if and (not $kafkaSasl) $v.kafka.sasl.mechanism -}}
{{- fail (printf "kafka.sasl.mechanism is set, but kafka.securityProtocol is %s: SASL is used with SASL_PLAINTEXT or SASL_SSL only" $protocol) -}}
{{- end -}}
{{- if and (not $kafkaTls) (or $v.kafka.tls.caSecretName $v.kafka.tls.clientCert.enabled) -}}
{{- fail (printf "kafka.tls is set, but kafka.securityProtocol is %s: TLS is used with SSL or SASL_SSL only" $protocol) -}}
{{- end -}}
{{- $etcdHttps := eq (include "gateway.etcdHttps" .) "true" -}}
{{- if and (not $etcdHttps) (or $v.etcd.tls.caSecretName $v.etcd.tls.clientCert.enabled) -}}
{{- fail "etcd.tls is set, but etcd.endpoints are http://: TLS needs https:// endpoints" -}}
{{- end -}}
{{- /* The partitions of ops.resp against the most ops pods that can ever run at once. */ -}}
{{- $ops := $v.ops -}}
{{- if $ops.enabled -}}
{{- $partitions := int $v.topicPartitions -}}
{{- $most := int $ops.replicas -}}
{{- $what := printf "ops.replicas=%d" $most -}}
{{- if $ops.autoscaling.enabled -}}
{{- $most = int $ops.autoscaling.maxReplicas -}}
{{- $what = printf "ops.autoscaling.maxReplicas=%d" $most -}}
{{- if gt (int $ops.autoscaling.minReplicas) $most -}}
{{- fail (printf "ops.autoscaling.minReplicas=%d is more than its maxReplicas=%d" (int $ops.autoscaling.minReplicas) $most) -}}
{{- end -}}
{{- end -}}
{{- if gt $most $partitions -}}
{{- fail (printf "%s is more than topicPartitions=%d: each ops pod claims one partition of ops.resp, and one with none free stops with DISCOVERY_NO_FREE_PARTITION. Lower it, or raise topicPartitions (and the partitions of an existing ops.resp)" $what $partitions) -}}
{{- end -}}
{{- $surge := include "gateway.opsSurge" . | fromYaml -}}
{{- if gt (add $most (int $surge.maxSurge)) $partitions -}}
{{- fail (printf "%s plus ops.rollingUpdate.maxSurge=%d is more than topicPartitions=%d: the surge pod of a rollout would find no free partition of ops.resp. Set ops.rollingUpdate.maxSurge=0 (and maxUnavailable>=1), or raise topicPartitions" $what (int $surge.maxSurge) $partitions) -}}
{{- end -}}
{{- end -}}
{{- range (include "gateway.services" . | fromYaml).services -}}
{{- if and .autoscaling.enabled (gt (int .autoscaling.minReplicas) (int .autoscaling.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas=%d is more than its maxReplicas=%d" .name (int .autoscaling.minReplicas) (int .autoscaling.maxReplicas)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
ops' rolling update: the values' own, or, when they are null, maxSurge 1 while one partition of
ops.resp is spare for the surge pod, else maxSurge 0 and maxUnavailable 1 (a pod goes before its
successor comes; the successor waits up to a minute for the partition to be free). Renders YAML
{maxSurge, maxUnavailable}. Argument: root.
*/}}
{{- define "gateway.opsSurge" -}}
{{- $ops := .Values.ops -}}
{{- $ru := $ops.rollingUpdate | default dict -}}
{{- $most := int $ops.replicas -}}
{{- if $ops.autoscaling.enabled -}}{{- $most = int $ops.autoscaling.maxReplicas -}}{{- end -}}
{{- $spare := gt (int .Values.topicPartitions) $most -}}
{{- $surge := $ru.maxSurge -}}
{{- if kindIs "invalid" $surge -}}
{{- $surge = ternary 1 0 $spare -}}
{{- end -}}
{{- $unavailable := $ru.maxUnavailable -}}
{{- if kindIs "invalid" $unavailable -}}
{{- $unavailable = ternary 0 1 (gt (int $surge) 0) -}}
{{- end -}}
{{- toYaml (dict "maxSurge" (int $surge) "maxUnavailable" $unavailable) -}}
{{- end -}}

{{/*
The environment of a service, the chart's own variables first, then the values' env maps.
Argument: dict root svc.
*/}}
{{- define "gateway.env" -}}
{{- $v := .root.Values -}}
{{- $svc := .svc -}}
{{- $env := dict -}}
{{- $_ := set $env "KAFKA_BROKERS" $v.kafka.brokers -}}
{{- $_ := set $env "ETCD_ENDPOINTS" $v.etcd.endpoints -}}
{{- $_ := set $env "TOPIC_PARTITIONS" (int $v.topicPartitions | toString) -}}
{{- $_ := set $env "SHUTDOWN_GRACE_MS" (include "gateway.shutdownGraceMs" .) -}}
{{- $_ := set $env "LEASE_TTL_SECONDS" (int $v.leaseTtlSeconds | toString) -}}
{{- $_ := set $env "LOG_LEVEL" $v.logLevel -}}
{{- $_ := set $env "LOG_FORMAT" $v.logFormat -}}
{{- $_ := set $env "KAFKA_SECURITY_PROTOCOL" $v.kafka.securityProtocol -}}
{{- $protocol := $v.kafka.securityProtocol -}}
{{- if or (eq $protocol "SASL_PLAINTEXT") (eq $protocol "SASL_SSL") -}}
{{- $_ := set $env "KAFKA_SASL_MECHANISM" $v.kafka.sasl.mechanism -}}
{{- $_ := set $env "KAFKA_SASL_USERNAME" (include "gateway.kafkaUser" .) -}}
{{- end -}}
{{- if $v.etcd.auth.enabled -}}
{{- $_ := set $env "ETCD_USERNAME" (include "gateway.etcdUser" .) -}}
{{- end -}}
{{- if eq $svc.component "ops" -}}
{{- $_ := set $env "OPS_HTTP_PORT" (int $svc.httpPort | toString) -}}
{{- $_ := set $env "OPS_HTTP_HOST" "0.0.0.0" -}}
{{- if $svc.admin.enabled -}}
{{- $_ := set $env "OPS_ADMIN_PORT" (int $svc.admin.port | toString) -}}
{{- $_ := set $env "OPS_ADMIN_HOST" "0.0.0.0" -}}
{{- end -}}
{{- else -}}
{{- $_ := set $env "CHAIN_HTTP_PORT" (int $svc.httpPort | toString) -}}
{{- $_ := set $env "CHAIN_HTTP_HOST" "0.0.0.0" -}}
{{- end -}}
{{- range (include "gateway.secretFiles" . | fromYaml).files -}}
{{- $_ := set $env .env (printf "%s/%s" (include "gateway.secretsDir" $) .path) -}}
{{- end -}}
{{- /* Names the chart owns, whether it set them here or not (so a user cannot set them beside). */ -}}
{{- $owned := list "KAFKA_BROKERS" "ETCD_ENDPOINTS" "TOPIC_PARTITIONS" "SHUTDOWN_GRACE_MS" "LEASE_TTL_SECONDS" "LOG_LEVEL" "LOG_FORMAT" "KAFKA_SECURITY_PROTOCOL" "KAFKA_SASL_MECHANISM" "KAFKA_SASL_USERNAME" "KAFKA_SASL_PASSWORD" "KAFKA_SASL_PASSWORD_FILE" "KAFKA_TLS_CA_FILE" "KAFKA_TLS_CERT_FILE" "KAFKA_TLS_KEY_FILE" "ETCD_CA_FILE" "ETCD_CERT_FILE" "ETCD_KEY_FILE" "ETCD_USERNAME" "ETCD_PASSWORD" "ETCD_PASSWORD_FILE" "OPS_HTTP_PORT" "OPS_HTTP_HOST" "OPS_ADMIN_PORT" "OPS_ADMIN_HOST" "OPS_API_TOKENS_FILE" "OPS_TLS_CERT_FILE" "OPS_TLS_KEY_FILE" "CHAIN_HTTP_PORT" "CHAIN_HTTP_HOST" -}}
{{- $user := merge (deepCopy ($svc.env | default dict)) ($v.env | default dict) -}}
{{- range $name, $value := $user -}}
{{- if has $name $owned -}}
{{- fail (printf "env %s (in env or %s.env) is set by the chart from its own values (kafka, etcd, topicPartitions, shutdownGraceMs, ports, …): set those instead" $name $svc.name) -}}
{{- end -}}
{{- end -}}
{{- range $name := keys $env | sortAlpha }}
- name: {{ $name }}
  value: {{ get $env $name | toString | quote }}
{{- end }}
{{- range $name := keys $user | sortAlpha }}
- name: {{ $name }}
  value: {{ get $user $name | toString | quote }}
{{- end }}
{{- with $svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
