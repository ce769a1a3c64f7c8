package dev.detopt.service.accounting;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Accounts for studies: {@link #of(UUID)} for one, {@link #of(Collection)} for several together
 * (a group's total is the account of its studies), priced with {@link AccountingProperties} by the
 * capacity of each node (its labels through {@link NodeLabels} on Kubernetes, else its name).
 */
@Service
public class StudyAccountant {
    private static final double SECONDS_PER_HOUR = 3600.0;

    private final AccountingRepository repository;
    private final AccountingProperties prices;
    private final NodeLabels nodeLabels;

    @org.springframework.beans.factory.annotation.Autowired
    public StudyAccountant(AccountingRepository repository, AccountingProperties prices,
                           org.springframework.beans.factory.ObjectProvider<NodeLabels> nodeLabels) {
        this(repository, prices, nodeLabels.getIfAvailable(() -> NodeLabels.NONE));
    }

    public StudyAccountant(AccountingRepository repository, AccountingProperties prices, NodeLabels nodeLabels) {
        this.repository = repository;
        this.prices = prices;
        this.nodeLabels = nodeLabels;
    }

    public StudyAccounting of(UUID study) {
        return of(List.of(study));
    }

    public StudyAccounting of(Collection<UUID> studies) {
        double cpu = 0;
        double lost = 0;
        double spot = 0;
        double cost = 0;
        for (AccountingRepository.NodeCpu node : repository.cpuByNode(studies)) {
            String capacity = prices.capacityOf(node.node(), nodeLabels);
            cpu += node.cpuSeconds();
            lost += node.cpuSecondsLost();
            if (AccountingProperties.SPOT.equals(capacity)) {
                spot += node.cpuSeconds();
            }
            cost += node.cpuSeconds() / SECONDS_PER_HOUR * prices.pricePerCoreHour(capacity);
        }
        AccountingRepository.Incidents incidents = repository.incidents(studies);
        boolean priced = prices.priced();
        return new StudyAccounting(cpu, lost, spot, incidents.preemptions(), incidents.leaseExpiries(),
                incidents.failures(), cpu / SECONDS_PER_HOUR, priced ? cost : null,
                priced ? cpu / SECONDS_PER_HOUR * prices.onDemandPricePerCoreHour() : null,
                priced ? prices.currency() : null);
    }

    /** Core-hours of worker CPU the study has used so far (lost work included). */
    public double coreHours(UUID study) {
        return repository.cpuSeconds(study) / SECONDS_PER_HOUR;
    }
}
