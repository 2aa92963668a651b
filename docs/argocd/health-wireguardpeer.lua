-- Argo CD health check for wgfleet.io/WireGuardPeer, from the standard conditions.
-- Install under argocd-cm: resource.customizations.health.wgfleet.io_WireGuardPeer
-- Degraded: Stalled=True or Ready=False (the message is Ready's: the root cause).
-- Progressing: no status yet, status not yet for this generation, or Ready Unknown
-- (a diagnosis is pending). Healthy: Ready=True for this generation, also while a
-- routine re-diagnosis runs (Reconciling=True every interval must not flap the app).
local hs = {}

local function condition(conditions, kind)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function message(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    if c.reason ~= nil and c.reason ~= "" then
      return c.reason .. ": " .. c.message
    end
    return c.message
  end
  return fallback
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the wgfleet operator to report"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
local ready = condition(obj.status.conditions, "Ready")
local stalled = condition(obj.status.conditions, "Stalled")

if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = message(ready, message(stalled, "Stalled"))
  return hs
end

if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = message(ready, "Not ready")
  return hs
end

if ready == nil or ready.status ~= "True" then
  hs.status = "Progressing"
  hs.message = message(ready, "Diagnosis in progress")
  return hs
end

hs.status = "Healthy"
hs.message = message(ready, "Ready")
return hs
