# The base image: the Debian tree that docker/base-image.sh imports, plus this machine's Node
# and npm (the build context holds them under node/). Built by docker/base-image.sh.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
COPY node/ /usr/local/
RUN node --version && npm --version && git --version
